// Tokens: the lexer's output. Kinds are string literals (keywords and operators are their own
// text) so token dumps read without a lookup table.

export const KEYWORDS = [
  'let', 'def', 'if', 'elif', 'else', 'while', 'for', 'in', 'break', 'continue', 'return', 'true',
  'false', 'and', 'or', 'not', 'import', 'export', 'as', 'try', 'catch', 'finally', 'throw',
  'struct', 'enum', 'fn', 'from', 'self', 'class', 'new', 'super', 'extern', 'ptr', 'match', 'case',
  'default',
] as const;

const OPERATORS = [
  '->', '==', '!=', '<<', '>>', '<=', '>=',
  '(', ')', '[', ']', '{', '}', ':', ',', '.', '=', '+', '-', '*', '/', '%', '&', '|', '^', '~', '<', '>', '@',
] as const;

export type Keyword = (typeof KEYWORDS)[number];
export type Operator = (typeof OPERATORS)[number];
export type TokenKind =
  | 'int' | 'float' | 'str' | 'fstr' | 'ident' | 'newline' | 'indent' | 'dedent' | 'eof'
  | Keyword | Operator;

export interface Token {
  readonly kind: TokenKind;
  /** Byte offsets of the token's text in its source file. */
  readonly start: number;
  readonly end: number;
  /** ident: name; str: decoded bytes; fstr: raw body text (escapes not yet applied); int: bigint; float: number. */
  readonly value?: string | bigint | number;
  /** On a 'newline' after ':' — the following block consists of comment lines only (an empty block). */
  readonly emptyBlock?: boolean;
}

const KEYWORD_SET: ReadonlySet<string> = new Set(KEYWORDS);
export function isKeyword(s: string): s is Keyword {
  return KEYWORD_SET.has(s);
}

/** How a token kind is named in "expected X, found Y" messages. */
export function describeToken(t: Token): string {
  switch (t.kind) {
    case 'int': case 'float': return `number ${String(t.value)}`;
    case 'str': return 'string literal';
    case 'fstr': return 'f-string';
    case 'ident': return `identifier '${String(t.value)}'`;
    case 'newline': return 'end of line';
    case 'indent': return 'indentation';
    case 'dedent': return 'end of block';
    case 'eof': return 'end of file';
    default: return `'${t.kind}'`;
  }
}
