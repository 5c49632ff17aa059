import {
  branches,
  distributionOf as distributionView,
  getAttOf,
  isObj,
  type Json,
  type Obj,
  ofType,
  refName,
  type Template,
} from './template-json';

/** Template readers for the issue-8B rules, on top of ./template-json. */
export { getAttOf, isObj, type Obj, refName };

/** A property that may be one value or a list (IAM Action, Principal.Service), as a list. */
export const list = (v: unknown): Json[] => (Array.isArray(v) ? v : v === undefined ? [] : [v as Json]);

export const branchesOf = (v: Json | undefined): Json[] => (v === undefined ? [] : branches(v));

export const resourcesOfType = ofType;

/** The distribution view of ./template-json plus its default behavior and `origin(id)`. */
export function distributionOf(template: Template) {
  const d = distributionView(template);
  if (!d) return undefined;
  const def = d.config.DefaultCacheBehavior;
  return { ...d, defaultBehavior: isObj(def) ? def : undefined, origin: d.originById };
}
