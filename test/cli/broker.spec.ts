import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../lib/cli/main.js';

function options(path: string[]): string[] {
  let command = buildProgram();
  for (const name of path) command = command.commands.find((c) => c.name() === name)!;
  return command.options.map((option) => option.long ?? '');
}

describe('karafka broker', () => {
  it('has restart, stop --keep-data and start --keep-data / --secure', () => {
    const broker = buildProgram().commands.find((c) => c.name() === 'broker')!;
    expect(broker.commands.map((c) => c.name())).toEqual(['start', 'restart', 'stop', 'status']);
    expect(options(['broker', 'stop'])).toEqual(expect.arrayContaining(['--keep-data', '--all']));
    expect(options(['broker', 'start'])).toEqual(
      expect.arrayContaining(['--keep-data', '--secure']),
    );
  });
});
