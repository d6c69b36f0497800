// Types of run.mjs, for __test__/pyuv-compat.spec.ts.
export interface Namespace {
  name: string
  env: Record<string, string>
  delete(): void
}
export interface Divergence {
  key: string
  pyuv: unknown
  uvudp: unknown
}
export type Results = { pyuv: Record<string, unknown>; uvudp: Record<string, unknown> }
export const SCENARIOS: string
export const NETNS_PREFIX: string
export function scenarioNames(): string[]
export function prepare(): { ok: true; python: string } | { ok: false; reason: string; toolchain?: boolean }
export function deleteStaleNamespaces(): void
export function makeNamespace(): Namespace
export function runScenario(ns: Namespace, python: string, name: string): Results
export function divergences(name: string, results: Results): Divergence[]
export function documentedDifferences(readme?: string): Set<string>
export function judge(
  name: string,
  results: Results,
  documented?: Set<string>,
): { found: Divergence[]; undocumented: Divergence[]; stale: string[] }
export function describeDivergence(d: Divergence): string
