import { describe, expect, it } from 'vitest';
import { InvalidMaskError, counterScope, renderReference, validateMask } from '../src/numbering';

const at = new Date(Date.UTC(2026, 0, 5));

describe('numbering mask', () => {
  it('renders dates and a zero-padded counter', () => {
    expect(renderReference('TK-{yyyy}{mm}-{00000}', at, 42)).toBe('TK-202601-00042');
    expect(renderReference('{yy}{mm}{dd}/{000}', at, 7)).toBe('260105/007');
    expect(renderReference('HD{0000}', at, 123456)).toBe('HD123456');
  });

  it('scopes the counter to what the mask renders around it', () => {
    expect(counterScope('TK-{yyyy}{mm}-{00000}', at)).toBe('TK-202601-#');
    expect(counterScope('TK-{yyyy}{mm}-{00000}', new Date(Date.UTC(2026, 1, 1)))).toBe('TK-202602-#');
    expect(counterScope('HD{0000}', at)).toBe('HD#');
  });

  it('rejects masks without exactly one counter or with unknown tokens', () => {
    expect(() => validateMask('TK-{yyyy}')).toThrow(InvalidMaskError);
    expect(() => validateMask('{000}-{000}')).toThrow(InvalidMaskError);
    expect(() => validateMask('{week}-{000}')).toThrow(InvalidMaskError);
    expect(() => validateMask('TK-{yyyy}-{000}')).not.toThrow();
  });
});
