// The one definition of "in CI" for every spec, harness and script of the
// project: the environment variable CI is exactly the string 'true' (what
// GitHub Actions, GitLab CI and most others set). In CI a test that needs root
// or a network namespace must run: when it cannot, it fails instead of
// skipping, and stale typings fail the typings check.
export const inCI = process.env.CI === 'true'
