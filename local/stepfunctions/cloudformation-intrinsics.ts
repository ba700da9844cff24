/**
 * Resolves the CloudFormation intrinsic functions a synthesized state machine definition is built
 * from (Fn::Join around Fn::GetAtt and Ref, mostly) into plain values, the way CloudFormation
 * would at deploy time — with the answers for references supplied by the caller.
 */

export interface ReferenceResolver {
  /** What `{ Ref: name }` stands for (a logical id, a parameter or a pseudo parameter). */
  ref(name: string): string;
  /** What `{ 'Fn::GetAtt': [logicalId, attribute] }` stands for. */
  getAtt(logicalId: string, attribute: string): string;
}

export function resolveIntrinsics(value: unknown, resolver: ReferenceResolver): unknown {
  if (Array.isArray(value)) return value.map((item) => resolveIntrinsics(item, resolver));
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value);
  const [key, argument] = entries.length === 1 ? entries[0]! : [];
  if (key === 'Ref') return resolver.ref(asString(argument, 'Ref'));
  if (key?.startsWith('Fn::')) return resolveFunction(key, argument, resolver);
  return Object.fromEntries(entries.map(([k, v]) => [k, resolveIntrinsics(v, resolver)]));
}

function resolveFunction(name: string, argument: unknown, resolver: ReferenceResolver): unknown {
  switch (name) {
    case 'Fn::GetAtt': {
      const [logicalId, attribute] = typeof argument === 'string' ? splitOnce(argument, '.') : asArray(argument, name);
      return resolver.getAtt(asString(logicalId, name), asString(attribute, name));
    }
    case 'Fn::Join': {
      const [separator, items] = asArray(argument, name);
      const resolved = asArray(resolveIntrinsics(items, resolver), name);
      return resolved.map((item) => asString(item, name)).join(asString(separator, name));
    }
    case 'Fn::Sub': {
      const [template, variables] = typeof argument === 'string' ? [argument, {}] : asArray(argument, name);
      const resolvedVariables = resolveIntrinsics(variables ?? {}, resolver) as Record<string, unknown>;
      return substitute(asString(template, name), (variable) => {
        if (variable in resolvedVariables) return asString(resolvedVariables[variable], name);
        if (variable.includes('.')) return resolver.getAtt(...splitOnce(variable, '.'));
        return resolver.ref(variable);
      });
    }
    case 'Fn::Select': {
      const [index, list] = asArray(argument, name);
      const items = asArray(resolveIntrinsics(list, resolver), name);
      return items[Number(resolveIntrinsics(index, resolver))];
    }
    case 'Fn::Split': {
      const [separator, source] = asArray(argument, name);
      return asString(resolveIntrinsics(source, resolver), name).split(asString(separator, name));
    }
    default:
      throw new Error(`Cannot resolve ${name} locally`);
  }
}

/** Replaces `${name}` placeholders (and turns `${!literal}` into `${literal}`), as Fn::Sub does. */
function substitute(template: string, valueFor: (name: string) => string): string {
  return template.replace(/\$\{(!?)([^}]*)\}/g, (_, literal: string, name: string) =>
    literal ? `\${${name}}` : valueFor(name.trim()),
  );
}

function splitOnce(text: string, separator: string): [string, string] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, ''] : [text.slice(0, at), text.slice(at + 1)];
}

function asArray(value: unknown, context: string): unknown[] {
  if (!Array.isArray(value)) throw new Error(`${context} expects a list, got ${JSON.stringify(value)}`);
  return value;
}

function asString(value: unknown, context: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new Error(`${context} expects a string, got ${JSON.stringify(value)}`);
}
