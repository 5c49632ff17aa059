// The player page: who is signed in (GET /auth/session), the titles, hls.js playback, sign-out.
// Every media request is same-origin, so the browser sends the CloudFront and session cookies
// by itself; nothing here touches a cookie (they are HttpOnly).
(() => {
  const $ = (id) => document.getElementById(id);
  const who = $('who');
  const message = $('message');
  const library = $('library');
  const list = $('titles');
  const stage = $('stage');
  const video = $('video');
  const nowPlaying = $('now-playing');
  const status = $('player-status');
  const signOut = $('sign-out');
  const note = $('session-note');

  // Visible without JavaScript (the form posts); with it, shown once the session is known.
  signOut.hidden = true;

  // For people and for the browser test: the player's state and every fatal error.
  const state = { session: undefined, errors: [], hls: undefined, refreshes: 0 };
  window.edgeAuthPlayer = state;
  const setState = (value) => {
    document.body.dataset.player = value;
  };
  setState('idle');

  const signInLink = () => `/?next=${encodeURIComponent(`/player.html${window.location.search}`)}`;

  function show(text, options = {}) {
    message.replaceChildren(document.createTextNode(text));
    if (options.signIn) {
      const link = document.createElement('a');
      link.href = signInLink();
      link.textContent = 'Sign in';
      message.append(' ', link);
    }
    message.classList.toggle('ok', Boolean(options.ok));
    message.hidden = false;
  }

  function clearMessage() {
    message.hidden = true;
    message.textContent = '';
  }

  // CloudFront-style path patterns: * is any run of characters, ? exactly one.
  function grantMatches(pattern, path) {
    const source = pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.');
    return new RegExp(`^${source}$`).test(path);
  }
  const allowed = (title) => (state.session?.grants ?? []).some((g) => grantMatches(g, title.playlist));

  async function readJson(response) {
    try {
      return await response.json();
    } catch {
      return undefined;
    }
  }

  function explainSession(body) {
    const code = body?.error?.code;
    if (code === 'ERR_SESSION_EXPIRED' || code === 'ERR_SESSION_ENDED')
      return 'Your session has expired — sign in again.';
    if (code === 'ERR_SESSION_INVALID') return 'Your sign-in is no longer valid — sign in again.';
    if (code === 'ERR_SESSION_REVOKED') return 'This session was signed out. Sign in again.';
    return 'You are not signed in.';
  }

  /** Words for a refused media request: the status, who refused (CloudFront's XML or the edge's JSON), the grants. */
  function explainMedia(httpStatus, bodyText, title) {
    const name = title ? `“${title.name}”` : 'this video';
    if (httpStatus === 401) return { text: 'Your session has expired — sign in again.', signIn: true };
    if (httpStatus === 403) {
      if (title && state.session && !allowed(title))
        return { text: `Your account does not include ${name}. Pick another title, or ask for access.` };
      if (/<Code>MissingKey<\/Code>/.test(bodyText ?? ''))
        return { text: `Your sign-in for ${name} is missing or has ended — sign in again.`, signIn: true };
      if (/<Code>(AccessDenied|InvalidKey)<\/Code>/.test(bodyText ?? ''))
        return { text: `Your access to ${name} has expired — sign in again.`, signIn: true };
      return { text: `You do not have access to ${name}.`, signIn: !state.session };
    }
    if (httpStatus === 404) return { text: `${name} could not be found.` };
    if (httpStatus === 0)
      return { text: 'We could not reach the server. Check your connection and try again.' };
    return { text: `${name} could not be loaded (error ${httpStatus}). Try again in a moment.` };
  }

  function stopPlayback() {
    if (state.hls) {
      state.hls.destroy();
      state.hls = undefined;
    }
    video.pause();
    video.removeAttribute('src');
    video.load();
  }

  function fail(explanation) {
    setState('error');
    stopPlayback();
    status.textContent = 'Playback stopped.';
    show(explanation.text, { signIn: explanation.signIn });
  }

  async function play(title) {
    clearMessage();
    stopPlayback();
    stage.hidden = false;
    nowPlaying.textContent = `Now playing: ${title.name}`;
    // On a phone the player sits below the title list: bring it into view.
    stage.scrollIntoView({ block: 'start' });
    status.textContent = 'Loading…';
    setState('loading');
    const url = new URL(window.location.href);
    url.searchParams.set('title', title.id);
    window.history.replaceState(null, '', url);

    // Ask once ourselves: a refused playlist then gets a precise message instead of hls.js's generic one.
    let probe;
    try {
      probe = await fetch(title.playlist, { credentials: 'same-origin', cache: 'no-store' });
    } catch {
      return fail(explainMedia(0, '', title));
    }
    if (!probe.ok) return fail(explainMedia(probe.status, await probe.text(), title));

    const Hls = window.Hls;
    if (Hls?.isSupported()) {
      const hls = new Hls({ enableWorker: true });
      state.hls = hls;
      hls.on(Hls.Events.ERROR, (_event, data) => {
        if (!data.fatal) return;
        state.errors.push({ type: data.type, details: data.details, code: data.response?.code ?? null });
        const code = data.response?.code;
        const text = typeof data.response?.text === 'string' ? data.response.text : '';
        fail(
          code
            ? explainMedia(code, text, title)
            : { text: `${title.name} stopped playing (${data.details}). Try again.` },
        );
      });
      hls.on(Hls.Events.MANIFEST_PARSED, () => {
        video.play().catch(() => {
          status.textContent = 'Press play to start.';
        });
      });
      hls.loadSource(title.playlist);
      hls.attachMedia(video);
    } else if (video.canPlayType('application/vnd.apple.mpegurl')) {
      video.src = title.playlist;
      video.play().catch(() => {
        status.textContent = 'Press play to start.';
      });
    } else {
      return fail({ text: 'This browser cannot play HLS video.' });
    }
  }

  video.addEventListener('playing', () => {
    setState('playing');
    status.textContent = 'Playing.';
  });
  video.addEventListener('ended', () => {
    setState('ended');
    status.textContent = 'Finished.';
  });

  function renderTitles(titles) {
    list.replaceChildren();
    for (const title of titles) {
      const item = document.createElement('li');
      const name = document.createElement('span');
      name.className = 'name';
      name.textContent = title.name;
      const detail = document.createElement('span');
      detail.className = 'note';
      detail.textContent = allowed(title) ? title.description : 'Not included in your access.';
      const button = document.createElement('button');
      button.type = 'button';
      button.textContent = `Play ${title.name.split(' — ')[0]}`;
      button.dataset.title = title.id;
      button.addEventListener('click', () => play(title));
      item.append(name, detail, button);
      list.append(item);
    }
    library.hidden = false;
  }

  let refreshTimer;
  /** POST /auth/refresh: new cookies and a new session token; false (and the reason shown) when refused. */
  async function refreshNow() {
    const response = await fetch('/auth/refresh', { method: 'POST', credentials: 'same-origin' });
    if (!response.ok) {
      // Refused (signed out elsewhere, revoked, idle too long): stop now rather than when the
      // buffered segments run out.
      signedOutView(explainSession(await readJson(response)), false);
      return false;
    }
    state.session = await response.json();
    state.refreshes += 1;
    scheduleRefresh();
    return true;
  }

  function scheduleRefresh() {
    clearTimeout(refreshTimer);
    const expires = Date.parse(state.session?.expiresAt ?? '');
    if (!Number.isFinite(expires)) return;
    const ends = Date.parse(state.session?.sessionEndsAt ?? '');
    note.textContent = `Signed in until ${new Date(expires).toLocaleTimeString()}${Number.isFinite(ends) ? `; the session renews itself until ${new Date(ends).toLocaleString()}` : ''}.`;
    // Session tokens are short-lived (session.tokenTtlSeconds, minutes): renew when a third of the
    // remaining time (at most a minute) is left, so segments never meet expired cookies.
    const remaining = expires - Date.now();
    const delay = Math.max(1_000, remaining - Math.min(60_000, remaining / 3));
    refreshTimer = setTimeout(async () => {
      try {
        await refreshNow();
      } catch {
        // Offline for a moment: try again shortly.
        refreshTimer = setTimeout(scheduleRefresh, 5_000);
      }
    }, delay);
  }

  function signedOutView(text, ok) {
    state.session = undefined;
    clearTimeout(refreshTimer);
    stopPlayback();
    setState('signed-out');
    who.textContent = 'Not signed in';
    signOut.hidden = true;
    library.hidden = true;
    stage.hidden = true;
    note.textContent = '';
    show(text, { signIn: true, ok });
  }

  signOut.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      const response = await fetch('/auth/logout', { method: 'POST', credentials: 'same-origin' });
      if (!response.ok) {
        show('Signing out did not work. Try again.');
        return;
      }
    } catch {
      show('We could not reach the server to sign you out. Try again.');
      return;
    }
    signedOutView('You have signed out.', true);
  });

  async function start() {
    let response;
    try {
      response = await fetch('/auth/session', { credentials: 'same-origin', cache: 'no-store' });
    } catch {
      show('We could not reach the server. Check your connection and reload the page.');
      return;
    }
    if (!response.ok) {
      const reason = await readJson(response);
      if (reason?.error?.code !== 'ERR_SESSION_EXPIRED') {
        signedOutView(explainSession(reason), false);
        return;
      }
      // A token that expired while the page was closed is renewed inside the idle window.
      try {
        if (!(await refreshNow())) return;
      } catch {
        signedOutView(explainSession(reason), false);
        return;
      }
    } else {
      state.session = await response.json();
    }
    who.textContent = `Signed in as ${state.session.user}`;
    signOut.hidden = false;
    scheduleRefresh();
    let titles = [];
    try {
      const r = await fetch('/titles.json', { credentials: 'same-origin' });
      titles = r.ok ? await r.json() : [];
    } catch {
      titles = [];
    }
    if (!Array.isArray(titles) || titles.length === 0) {
      show('No titles are listed yet.');
      return;
    }
    renderTitles(titles);
    const wanted = new URLSearchParams(window.location.search).get('title');
    const title = titles.find((t) => t.id === wanted);
    if (title) play(title);
    else if (wanted) show(`There is no title called “${wanted}”.`);
  }

  start();
})();
