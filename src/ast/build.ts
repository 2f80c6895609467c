// Source text -> AST + syntax diagnostics. Never throws: every input gives a Program, with the
// statements that could be read, and a diagnostic for each thing that could not.

import { type LineNode, MAX_BLOCK_DEPTH, parseCnn } from '../../grammar/index.js';
import { type Diagnostic, type Fix, type SourceRange, sortDiagnostics } from '../diagnostics.js';
import { Ctx, isReal, q, tokEnd, tokStart } from './context.js';
import { grouped, MAX_DIAGNOSTICS, MAX_SOURCE_LENGTH, TOO_MANY_DIAGNOSTICS } from './limits.js';
import { type BlockCst, joinSplitStatement, type Segment, segmentEnd, statementSegments } from './segments.js';
import { type BlockBody, buildSegment } from './statements.js';
import { lexErrorDiagnostics, parseErrorDiagnostics } from './syntax.js';
import type { Program, Stmt } from './types.js';

export interface Comment {
  /** The comment with its `#`, without the line break. */
  readonly text: string;
  readonly range: SourceRange;
}

export interface AstResult {
  readonly program: Program;
  /** Syntax errors, sorted by position. */
  readonly diagnostics: Diagnostic[];
  /** Every `#` comment, in source order (for the formatter and the language server). */
  readonly comments: readonly Comment[];
}

export function buildAst(text: string, file: string): AstResult {
  const source = typeof text === 'string' ? text : String(text);
  if (source.length > MAX_SOURCE_LENGTH) return tooLarge(source, file);
  const ctx = new Ctx(source);
  try {
    const parsed = parseCnn(source);
    lexErrorDiagnostics(ctx, parsed.lexErrors);
    parseErrorDiagnostics(ctx, parsed.parseErrors);
    if (parsed.truncatedAt !== undefined) {
      const at = parsed.truncatedAt;
      ctx.error('too-deep', `blocks are nested more than ${MAX_BLOCK_DEPTH} deep; the rest of the file is not read`, at, at + 1);
    }
    const lexical = ctx.diagnostics.length;
    const builder = new Builder(ctx, parsed.truncatedAt !== undefined);
    const statements = builder.lines(parsed.tree.lines, true);
    // Built when first read: the checker never reads them, the formatter and the language server may.
    let comments: Comment[] | undefined;
    const commentsOf = (): Comment[] => (comments ??= parsed.comments.map((c) => ({ text: c.image, range: ctx.tokRange(c) })));
    const diagnostics = afterBadCharacters(ctx.diagnostics, lexical, parsed.lexErrors.map((e) => e.offset), ctx);
    if (ctx.dropped > 0) diagnostics.push(droppedDiagnostic(ctx));
    return {
      program: { file, statements },
      diagnostics: sortDiagnostics(diagnostics),
      get comments() {
        return commentsOf();
      },
    };
  } catch (err) {
    // A bug in the front end, not in the user's file; still a diagnostic rather than a crash.
    const message = err instanceof Error ? err.message : String(err);
    ctx.error('internal-error', `internal error in the parser: ${message}`, 0, 0);
    return { program: { file, statements: [] }, diagnostics: sortDiagnostics(ctx.diagnostics), comments: [] };
  }
}

/** A source past MAX_SOURCE_LENGTH is not read: one error at the first character beyond it. */
function tooLarge(source: string, file: string): AstResult {
  const ctx = new Ctx(source.slice(0, MAX_SOURCE_LENGTH + 1));
  ctx.error('source-too-large', `the file is ${grouped(source.length)} characters long; cnnc reads files of at most ` +
    `${grouped(MAX_SOURCE_LENGTH)} (${MAX_SOURCE_LENGTH / 2 ** 20} MiB), so none of it is read`, MAX_SOURCE_LENGTH, MAX_SOURCE_LENGTH + 1);
  return { program: { file, statements: [] }, diagnostics: ctx.diagnostics, comments: [] };
}

/** Where the errors past MAX_DIAGNOSTICS begin, and how many there are. */
function droppedDiagnostic(ctx: Ctx): Diagnostic {
  const at = ctx.firstDropped;
  return {
    severity: 'error',
    code: TOO_MANY_DIAGNOSTICS,
    message: `more than ${grouped(MAX_DIAGNOSTICS)} syntax errors: ${grouped(ctx.dropped)} more from here on are not shown`,
    range: ctx.range(at, at),
  };
}

/**
 * After a character outside the language, the rest of its line is usually the same mistake seen
 * again (`conv 6 5,5`: the second `5` is no extra argument). Drop the builder's diagnostics that
 * start after the first bad character of their line; lexer and parser diagnostics stay.
 */
function afterBadCharacters(all: Diagnostic[], lexical: number, badOffsets: number[], ctx: Ctx): Diagnostic[] {
  if (badOffsets.length === 0) return all;
  const firstBad = new Map<number, number>();
  for (const o of badOffsets) {
    const line = ctx.lines.lineOf(o);
    if (!firstBad.has(line)) firstBad.set(line, o);
  }
  return all.filter((d, i) => {
    if (i < lexical) return true;
    const bad = firstBad.get(d.range.start.line);
    return bad === undefined || d.range.start.offset < bad;
  });
}

class Builder {
  private readonly bodyOf = (block: BlockCst, owner: Segment): BlockBody => this.body(block, owner);

  constructor(private readonly ctx: Ctx, private readonly truncated: boolean) {}

  /** `topLine` or `blockLine` nodes -> statements, in order. */
  lines(lines: readonly LineNode[], top: boolean): Stmt[] {
    const segs: Segment[] = [];
    for (let l = 0; l < lines.length; l++) {
      const line = lines[l]!;
      const rbrace = line.rbrace;
      if (top && isReal(rbrace)) {
        this.ctx.error('unmatched-brace', '`}` without a matching `{`', tokStart(rbrace), tokEnd(rbrace), [
          this.ctx.fix('remove it', tokStart(rbrace), tokEnd(rbrace), ''),
        ]);
        continue;
      }
      const stmt = line.statement;
      if (stmt === undefined) continue;
      const lineSegs = statementSegments(this.ctx, stmt);
      const first = lineSegs[0];
      const joined = first !== undefined && joinSplitStatement(this.ctx, segs[segs.length - 1], first);
      for (let i = joined ? 1 : 0; i < lineSegs.length; i++) segs.push(lineSegs[i]!);
    }
    const out: Stmt[] = [];
    for (let i = 0; i < segs.length; i++) buildSegment(this.ctx, segs[i]!, this.bodyOf, out);
    return out;
  }

  private body(block: BlockCst, owner: Segment): BlockBody {
    const stmts = this.lines(block.lines, false);
    if (block.rbrace !== undefined) return { stmts, end: tokEnd(block.rbrace), cutOff: false };
    const last = stmts[stmts.length - 1];
    if (!this.truncated) {
      const line = this.ctx.lines.lineOf(owner.start);
      const opening = this.ctx.slice(owner.start, tokEnd(block.lbrace));
      this.ctx.error('unclosed-block', `${q(opening)} on line ${line} is never closed: add \`}\` on a line of its own ` +
        'after the last statement of the block', owner.start, tokEnd(block.lbrace), [
        this.closingFix(owner, last !== undefined ? last.range.end.offset : tokEnd(block.lbrace)),
      ]);
    }
    // In a file cut off by too-deep, every block still open was open where reading stopped.
    return { stmts, end: last !== undefined ? last.range.end.offset : segmentEnd(owner), cutOff: this.truncated };
  }

  /** `}` on a line of its own after `after`'s line, indented as the line that opens the block. */
  private closingFix(owner: Segment, after: number): Fix {
    const text = this.ctx.text;
    let at = after;
    while (at < text.length && text[at] !== '\n' && text[at] !== '\r') at++;
    const eol = /\r\n|\r|\n/.exec(text)?.[0] ?? '\n';
    const open = this.ctx.lines.position(owner.start);
    const indent = this.ctx.slice(owner.start - (open.column - 1), owner.start).replace(/[^ \t]/g, ' ');
    return this.ctx.fix('close the block after its last statement', at, at, `${eol}${indent}}`);
  }
}
