import { RemovalPolicy } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_STAGE_NAME,
  InvalidStageName,
  parseStageName,
  stackNameFor,
  stageFor,
  stageFromContext,
} from '../../lib/stage';

describe('stage names', () => {
  it('defaults to dev when no -c stage=... is given', () => {
    expect(parseStageName(undefined)).toBe(DEFAULT_STAGE_NAME);
    expect(stackNameFor(stageFromContext(undefined))).toBe('TicketDrop-dev');
  });

  it('accepts short lowercase names', () => {
    for (const name of ['dev', 'prod', 'citest', 'pr-123', 'a', 'x1', 'abcdefghijklmnop']) {
      expect(parseStageName(name)).toBe(name);
    }
    expect(stackNameFor(stageFromContext('citest'))).toBe('TicketDrop-citest');
  });

  it.each<[unknown, string]>([
    ['Prod', 'uppercase'],
    ['1dev', 'starts with a digit'],
    ['-dev', 'starts with a hyphen'],
    ['dev-', 'ends with a hyphen'],
    ['my_stage', 'underscore'],
    ['dev.1', 'dot'],
    ['', 'empty'],
    ['abcdefghijklmnopq', 'too long'],
    [42, 'not a string'],
  ])('rejects %j (%s) with a message that says what is allowed', (raw) => {
    expect(() => parseStageName(raw)).toThrow(InvalidStageName);
    expect(() => parseStageName(raw)).toThrow(
      /Invalid stage name .*: use 1-16 lowercase letters, digits or hyphens, starting with a letter/,
    );
  });
});

describe('stage policy', () => {
  it('keeps the data of prod-like stages', () => {
    for (const name of ['prod', 'prod-eu']) {
      const stage = stageFor(name);
      expect(stage.isProdLike).toBe(true);
      expect(stage.removalPolicy).toBe(RemovalPolicy.RETAIN);
    }
  });

  it('lets other stages be torn down completely', () => {
    for (const name of ['dev', 'citest', 'preprod', 'products']) {
      const stage = stageFor(name);
      expect(stage.isProdLike).toBe(false);
      expect(stage.removalPolicy).toBe(RemovalPolicy.DESTROY);
    }
  });
});
