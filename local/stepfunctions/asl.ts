/** The slice of the Amazon States Language (JSONPath flavour) that the local side looks into. */

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export interface AslState {
  readonly Type: string;
  readonly [field: string]: unknown;
}

export interface AslDefinition {
  readonly StartAt: string;
  readonly States: Readonly<Record<string, AslState>>;
  readonly TimeoutSeconds?: number;
  readonly Comment?: string;
  readonly [field: string]: unknown;
}

export interface VisitedState {
  readonly name: string;
  readonly state: AslState;
  /** Names of the Parallel and Map states this one runs inside, outermost first. */
  readonly enclosing: readonly string[];
}

/** Every state of a definition, including those in Parallel branches and Map iterators. */
export function* walkStates(definition: AslDefinition, enclosing: readonly string[] = []): Generator<VisitedState> {
  for (const [name, state] of Object.entries(definition.States)) {
    yield { name, state, enclosing };
    for (const nested of nestedDefinitions(state)) yield* walkStates(nested, [...enclosing, name]);
  }
}

function nestedDefinitions(state: AslState): AslDefinition[] {
  if (state.Type === 'Parallel' && Array.isArray(state.Branches)) return state.Branches as AslDefinition[];
  if (state.Type === 'Map') {
    const processor = state.ItemProcessor ?? state.Iterator;
    return isPlainObject(processor) ? [processor as unknown as AslDefinition] : [];
  }
  return [];
}

/** For each Parallel and Map state: the names of all states that run inside it. */
export function statesInside(definition: AslDefinition): Map<string, Set<string>> {
  const inside = new Map<string, Set<string>>();
  for (const { name, enclosing } of walkStates(definition)) {
    for (const outer of enclosing) {
      const names = inside.get(outer) ?? new Set<string>();
      names.add(name);
      inside.set(outer, names);
    }
  }
  return inside;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A deep copy through JSON, as every service boundary (Lambda, the Step Functions API) makes one. */
export function jsonClone(value: unknown): JsonValue {
  const text = JSON.stringify(value);
  return text === undefined ? null : (JSON.parse(text) as JsonValue);
}
