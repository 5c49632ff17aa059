// The sign-in page. Without JavaScript the form posts to /auth/login and the login function
// answers 303 to `next`; with it, the same request goes through fetch so errors stay on the page.
(() => {
  document.documentElement.classList.add('js');
  const form = document.getElementById('sign-in');
  const message = document.getElementById('message');
  const submit = document.getElementById('submit');
  const nextField = document.getElementById('next');

  const REASONS = {
    expired: 'Your session has expired — sign in again.',
    'signed-out': 'You have signed out.',
    required: 'Sign in to watch that video.',
    failed: 'That username and password do not match. Check them and try again.',
  };

  function show(text, ok) {
    message.textContent = text;
    message.classList.toggle('ok', Boolean(ok));
    message.hidden = false;
  }

  // Only same-site paths: a `next` pointing elsewhere would make this page an open redirect.
  // The same rule as the login function's (src/login/body.ts, safeNextPath): refuse control
  // characters and `\` (the URL parser strips tab/CR/LF and reads `\` as `/`, so `/<TAB>/evil`
  // is `//evil`), then resolve against our origin and require that it stays there. The value
  // itself is kept (the parser's normalised path can be `//evil`: `/.//evil` normalises to it).
  function safeNext(value) {
    const fallback = '/player.html';
    if (typeof value !== 'string' || value.length > 1024 || !value.startsWith('/')) return fallback;
    if (/[\u0000-\u001f\u007f-\u009f\\]/.test(value)) return fallback;
    let url;
    try {
      url = new URL(value, window.location.origin);
    } catch {
      return fallback;
    }
    return url.origin === window.location.origin ? value : fallback;
  }

  // The demo users exist only on the local edge (npm start): say so only there.
  if (['localhost', '127.0.0.1', '[::1]'].includes(window.location.hostname)) {
    document.getElementById('local-hint').hidden = false;
  }

  const params = new URLSearchParams(window.location.search);
  nextField.value = safeNext(params.get('next') ?? '/player.html');
  const reason = params.get('reason');
  if (reason && REASONS[reason]) show(REASONS[reason], reason === 'signed-out');
  else if (params.has('next')) show(REASONS.required);

  function explain(status, body, retryAfter) {
    const code = body?.error?.code;
    if (status === 401 || code === 'ERR_LOGIN_FAILED')
      return 'That username and password do not match. Check them and try again.';
    if (status === 403 && code === 'ERR_NO_GRANTS')
      return 'Your account exists but has no videos yet. Ask for access.';
    if (status === 403)
      return 'This page is not allowed to sign you in. Open the sign-in page directly and try again.';
    if (status === 400 || status === 415) return 'Enter both your username and your password.';
    if (status === 429) {
      // AWS WAF's rate rule (and the local edge's copy) sends the window length in Retry-After.
      const seconds = Number(retryAfter);
      const minutes = Number.isFinite(seconds) && seconds > 0 ? Math.ceil(seconds / 60) : 1;
      return `Too many sign-in attempts. Wait ${minutes === 1 ? 'a minute' : `${minutes} minutes`}, then try again.`;
    }
    return 'Signing in is not working right now. Try again in a moment.';
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const username = form.username.value.trim();
    const password = form.password.value;
    if (!username || !password) {
      show('Enter both your username and your password.');
      (username ? form.password : form.username).focus();
      return;
    }
    submit.disabled = true;
    submit.textContent = 'Signing in…';
    try {
      const response = await fetch('/auth/login', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ username, password }),
      });
      if (response.ok) {
        window.location.assign(safeNext(nextField.value));
        return;
      }
      let body;
      try {
        body = await response.json();
      } catch {
        body = undefined;
      }
      show(explain(response.status, body, response.headers.get('retry-after')));
      form.password.value = '';
      form.password.focus();
    } catch {
      show('We could not reach the server. Check your connection and try again.');
    } finally {
      submit.disabled = false;
      submit.textContent = 'Sign in';
    }
  });
})();
