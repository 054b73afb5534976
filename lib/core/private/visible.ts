/** What a terminal would hide or break a line on: C1 controls, line separators, bidi and zero-width marks. */
const INVISIBLE = /[\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff0-\uffff]/g;

/** `text` with every invisible or line-breaking character written as `\uXXXX`, for messages. */
export function visible(text: string): string {
  return text.replace(INVISIBLE, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
