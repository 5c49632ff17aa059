import raw from '../../config/settings.json';
import { resolveSettings } from '../../src/config/settings';

describe('settings edge.mode', () => {
  it('defaults to lambda on every stage', () => {
    for (const stage of ['local', 'dev', 'prod']) expect(resolveSettings(stage).edge.mode).toBe('lambda');
  });

  it('takes function from a stage override', () => {
    const source = {
      edge: { sessionCacheSize: 10, mode: 'lambda' },
      stages: { s: { edge: { mode: 'function' } } },
    };
    const base = { ...structuredClone(raw), ...source };
    expect(resolveSettings('s', base).edge).toEqual({ sessionCacheSize: 10, mode: 'function' });
  });

  it('refuses anything else, naming the field', () => {
    const base = {
      ...structuredClone(raw),
      stages: { s: { edge: { mode: 'edge' } } },
    };
    expect(() => resolveSettings('s', base)).toThrow(
      'settings for stage "s": edge.mode must be "lambda" or "function"',
    );
  });
});
