import { COMMAND_NAMES } from '@cua/computer-protocol';
import { describe, expect, it } from 'vitest';
import { COMMAND_METHODS } from './command-methods.js';
import { Computer } from './computer.js';

describe('one Computer method per registry command', () => {
  it('maps every command, and nothing else', () => {
    expect(Object.keys(COMMAND_METHODS).sort()).toEqual([...COMMAND_NAMES].sort());
  });

  it.each(COMMAND_NAMES.map((name) => [name, COMMAND_METHODS[name]]))(
    '%s → Computer.prototype.%s',
    (_, method) => {
      expect(typeof (Computer.prototype as unknown as Record<string, unknown>)[method]).toBe(
        'function',
      );
    },
  );

  it('method names are the camelCase of the wire names', () => {
    const camel = (name: string) => name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
    const different = COMMAND_NAMES.filter((name) => COMMAND_METHODS[name] !== camel(name));
    expect(different).toEqual([]);
  });
});
