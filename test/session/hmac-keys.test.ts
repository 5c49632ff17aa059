import fc from 'fast-check';
import { isRevokedByEntries } from '../../src/edge/decide-function';
import { HmacKeyringError, parseHmacKeyring } from '../../src/session/hmac-keys';

const SECRET = 'A'.repeat(43);

describe('parseHmacKeyring', () => {
  it('reads the contract shape', () => {
    expect(parseHmacKeyring(JSON.stringify({ active: 'k2', keys: { k1: SECRET, k2: SECRET } }), 'f')).toEqual(
      {
        active: 'k2',
        keys: { k1: SECRET, k2: SECRET },
      },
    );
  });

  it.each([
    ['not JSON', '{', /f is not JSON/],
    ['no keys', '{"active":"a","keys":{}}', /lists no keys/],
    ['active not listed', `{"active":"b","keys":{"a":"${SECRET}"}}`, /"active" must name one of its keys/],
    ['a bad kid', `{"active":"A","keys":{"A":"${SECRET}"}}`, /key id "A" is not/],
    ['a short secret', '{"active":"a","keys":{"a":"abc"}}', /key "a" is not 32 bytes/],
  ])('refuses %s', (_name, text, message) => {
    expect(() => parseHmacKeyring(text, 'f')).toThrow(message);
  });

  it('on any input returns a keyring or throws HmacKeyringError, never echoing a secret-like value', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (text) => {
        try {
          parseHmacKeyring(text, 'f');
        } catch (error) {
          expect(error).toBeInstanceOf(HmacKeyringError);
          const secrets = text.match(/[A-Za-z0-9_-]{43}/g) ?? [];
          for (const s of secrets) expect((error as Error).message).not.toContain(s);
        }
      }),
    );
  });
});

describe('isRevokedByEntries (the function mode mirror of isRevokedBy)', () => {
  it.each([
    [{}, 100, false],
    [{ session: '2000' }, 100, true],
    [{ user: '150:2000' }, 100, true],
    [{ user: '100:2000' }, 100, false],
    [{ user: '50:2000' }, 100, false],
    [{ user: 'garbage' }, 100, true],
  ] as const)('%j for auth_time %d → %s', (entries, authTime, revoked) => {
    expect(isRevokedByEntries(entries, { auth_time: authTime })).toBe(revoked);
  });
});
