import { checkTextTree, textProblem } from '../../../lib/core/validation/text';
import { hadrErrorMessage } from '../../support/errors';

describe('textProblem', () => {
  it.each([
    ['U+2028', 'a\u2028b'], ['U+2029', 'a\u2029b'], ['U+0085', 'a\u0085b'],
  ])('refuses %s, a line break only YAML 1.1 readers see', (name, value) => {
    expect(textProblem(value)?.problem).toBe(
      `contains ${name}, which YAML 1.1 readers (kubectl, Argo CD, Flux, Patroni) take for a line break, so the value would change on its way`);
    expect(textProblem(value, { multiline: true })).toBeDefined();
  });

  it.each(['\u0000', '\u0007', '\u001b', '\r', '\u007f', '\u0090', '\u000b'])('refuses the control character %j', (char) => {
    expect(textProblem(`a${char}b`, { multiline: true })?.problem).toMatch(/^contains the control character U\+00[0-9A-F]{2}, which config files/);
  });

  it('keeps line breaks and tabs for multi-line fields only', () => {
    expect(textProblem('a\nb')?.problem).toBe('must be one line: a line break or tab would split or corrupt the line it is written on');
    expect(textProblem('a\tb')).toBeDefined();
    expect(textProblem('line one\n\tline two', { multiline: true })).toBeUndefined();
  });

  it.each(['\u202e', '\u2066', '\ufeff', '\ud800', 'x\udc00', '\uffff'])('refuses %j, which reads differently or does not survive YAML', (char) => {
    expect(textProblem(`a${char}`)).toBeDefined();
  });

  it.each([
    ['0o17', 15], ['+0o17', 15], ['-0o17', -15], ['0O17', 15], ['0o1_7', 15], ['<<', '<< (a merge key)'],
  ])('refuses %s, which Go reads as %s because YAML 1.1 writers leave it unquoted', (value, reading) => {
    expect(textProblem(value)?.problem).toBe(`would be read as ${typeof reading === 'number' ? `the number ${reading}` : reading} by Go's YAML reader (kubectl, Argo CD, Flux), not as this text: YAML 1.1 writers leave it unquoted`);
  });

  it.each(['0755', '1_000', '0x1F', 'yes', 'on', '08', '1e3', '2001-01-01', '12:30', '~', 'null', '10Gi', '250m', 'v1.2.3', 'émile', '日本'])(
    'keeps %s: YAML 1.1 writers quote it, or it reads as text everywhere', (value) => {
      expect(textProblem(value)).toBeUndefined();
    });
});

describe('checkTextTree', () => {
  it('names the field as the user wrote it, a key as a key, and shows the hidden character', () => {
    expect(hadrErrorMessage(() => checkTextTree('shop/api', { labels: { 'a\u202eb': 'x' } }, 'service'))).toBe(
      'shop/api: service.labels.a\\u202eb (the key) contains U+202E, a bidirectional control that makes the text read differently from what it is in every review (got "a\\u202eb"); remove it');
    expect(hadrErrorMessage(() => checkTextTree('shop/api', { args: ['ok', 'a\u2028b'] }, 'service'))).toBe(
      'shop/api: service.args[1] contains U+2028, which YAML 1.1 readers (kubectl, Argo CD, Flux, Patroni) take for a line break, so the value would change on its way (got "a\\u2028b"); remove it, or use a plain space');
  });

  it('does not enter constructs, durations or sizes, and skips what it is told to', () => {
    const construct = { node: { path: 'x', children: [] }, bad: 'a\u2028b' };
    expect(() => checkTextTree('p', { construct, skipped: { bad: 'a\u2028b' } }, '', () => false, (f) => f === 'skipped')).not.toThrow();
  });
});
