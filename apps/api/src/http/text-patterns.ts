/**
 * Patterns for text the domain trims, spelled with the white space of JavaScript's String.prototype.trim and \s: a
 * pattern's \s means other sets in other engines (ASCII only in some, without U+FEFF in Python's).
 */
const WHITE_SPACE = '\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff';
const VISIBLE = `[^${WHITE_SPACE}]`;

/** At least one character that is not white space: what is left after trimming is not empty. */
export const NOT_BLANK = VISIBLE;

/**
 * Text kept in clear in PostgreSQL (directly, or in FerretDB's jsonb): not blank, and without U+0000, which neither can
 * store. The DTO's @Matches and its schema both use it, so the two say the same.
 */
export const STORED_TEXT = new RegExp(`^[^\\u0000]*[^\\u0000${WHITE_SPACE}][^\\u0000]*$`);

/** Optional stored text: anything without U+0000. */
export const STORED_OPTIONAL_TEXT = /^[^\u0000]*$/;

/**
 * A day written YYYY-MM-DD in the years 1900 to 2099: the range the domain's plausibility rules narrow further
 * (EARLIEST_DAY, 50 years ahead, not in the future), so the contract already refuses year 0000 or 20260.
 */
export const DAY_PATTERN = '^(?:19|20)[0-9]{2}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])$';

/** At least two characters that are not white space: a name that, trimmed, has two characters or more. */
export const TWO_VISIBLE = `${VISIBLE}[\\s\\S]*${VISIBLE}`;
