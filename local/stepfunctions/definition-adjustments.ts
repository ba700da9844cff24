import type { AslDefinition, JsonValue } from './asl';
import { isPlainObject, walkStates } from './asl';

/**
 * Adjusts a definition where aws-local-stepfunctions would otherwise behave unlike AWS. The
 * adjusted copy goes to the interpreter only; history and API answers use the original.
 */

/**
 * The interpreter evaluates TimeoutSecondsPath against the task's *effective* input (after
 * Parameters), AWS against the state input. For a Task with Parameters the path is therefore
 * evaluated into this extra parameter, and TimeoutSecondsPath points at it; the task override
 * strips it again before anything sees the parameters.
 */
export const TIMEOUT_PARAMETER = '__localStepFunctionsTimeoutSeconds';

/**
 * AWS lets a Task without TimeoutSeconds run until the execution ends; the interpreter would time
 * it out after 60 s. The largest delay a Node timer can hold (~24.8 days) stands in for "none".
 */
export const NO_TASK_TIMEOUT_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

export function adjustForInterpreter(definition: AslDefinition): AslDefinition {
  const copy = structuredClone(definition) as AslDefinition;
  for (const { state } of walkStates(copy)) {
    const fields = state as Record<string, unknown>;
    // ResultPath "$" means "replace the input"; the interpreter would store the result under a key "$".
    if (fields.ResultPath === '$') delete fields.ResultPath;
    if (Array.isArray(fields.Catch)) {
      for (const catcher of fields.Catch as Record<string, unknown>[])
        if (catcher.ResultPath === '$') delete catcher.ResultPath;
    }
    if (state.Type !== 'Task') continue;
    if (fields.TimeoutSecondsPath !== undefined && isPlainObject(fields.Parameters)) {
      fields.Parameters = { ...fields.Parameters, [`${TIMEOUT_PARAMETER}.$`]: fields.TimeoutSecondsPath };
      fields.TimeoutSecondsPath = `$.${TIMEOUT_PARAMETER}`;
    } else if (fields.TimeoutSeconds === undefined && fields.TimeoutSecondsPath === undefined) {
      fields.TimeoutSeconds = NO_TASK_TIMEOUT_SECONDS;
    }
  }
  return copy;
}

/** The task's real parameters, and the timeout the adjustment carried along (if any). */
export function separateTimeoutParameter(effectiveInput: JsonValue): {
  parameters: JsonValue;
  timeoutSeconds?: number;
} {
  if (!isPlainObject(effectiveInput) || !(TIMEOUT_PARAMETER in effectiveInput)) return { parameters: effectiveInput };
  const { [TIMEOUT_PARAMETER]: timeout, ...parameters } = effectiveInput;
  return { parameters: parameters as JsonValue, timeoutSeconds: typeof timeout === 'number' ? timeout : undefined };
}
