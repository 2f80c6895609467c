// Command-line options, shared by every command: `--name VALUE`, `--name=VALUE`, `-n VALUE`,
// boolean `--name`, `--` to end options, `-` as a plain argument. Anything else starting with `-`
// is a usage error with a did-you-mean.

import { CliError, suggestion } from './errors.js';

export interface OptionSpec {
  /** long name without dashes: `format` */
  readonly name: string;
  /** one letter without the dash: `o` */
  readonly short?: string;
  /** the placeholder shown in help when the option takes a value: `FORMAT`; absent: a switch */
  readonly value?: string;
  /** the accepted values, when they are a fixed set */
  readonly choices?: readonly string[];
}

export interface ParsedArgs {
  readonly positionals: readonly string[];
  /** by long name; `true` for a switch */
  readonly options: ReadonlyMap<string, string | true>;
}

export function parseArgs(command: string, args: readonly string[], specs: readonly OptionSpec[]): ParsedArgs {
  const positionals: string[] = [];
  const options = new Map<string, string | true>();
  const see = `see 'cnnc ${command} --help'`;
  const spellings = specs.flatMap((s) => (s.short ? [`--${s.name}`, `-${s.short}`] : [`--${s.name}`]));

  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq >= 0 ? arg.slice(0, eq) : arg;
    const spec = specs.find((s) => flag === `--${s.name}` || (s.short !== undefined && flag === `-${s.short}`));
    if (spec === undefined) {
      throw new CliError(`unknown option '${flag}' for ${command}${suggestion(flag, spellings)} (${see})`);
    }
    if (options.has(spec.name)) throw new CliError(`option '--${spec.name}' given twice (${see})`);
    if (spec.value === undefined) {
      if (eq >= 0) throw new CliError(`option '--${spec.name}' takes no value (${see})`);
      options.set(spec.name, true);
      continue;
    }
    let value: string | undefined;
    if (eq >= 0) value = arg.slice(eq + 1);
    else if (i + 1 < args.length) value = args[++i];
    if (value === undefined || value === '') {
      throw new CliError(`option '${flag}' needs a value: ${flag} ${spec.value} (${see})`);
    }
    if (spec.choices && !spec.choices.includes(value)) {
      throw new CliError(
        `option '${flag}' must be ${spec.choices.map((c) => `'${c}'`).join(' or ')}, got '${value}'` +
          `${suggestion(value, spec.choices)}`,
      );
    }
    options.set(spec.name, value);
  }
  return { positionals, options };
}

export type OutputFormat = 'text' | 'json';

export const FORMAT_OPTION: OptionSpec = { name: 'format', value: 'FORMAT', choices: ['text', 'json'] };

export function outputFormat(parsed: ParsedArgs): OutputFormat {
  return parsed.options.get('format') === 'json' ? 'json' : 'text';
}
