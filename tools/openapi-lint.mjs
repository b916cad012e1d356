// openapi-lint.mjs — checks assets/openapi.json with Redocly's OpenAPI
// linter (@redocly/openapi-core, the engine of `redocly lint`), its
// recommended rules, every warning counted as a failure. Prints one line
// per problem, then "openapi-lint: N passed, N failed" for make test.
import { createConfig, lint } from '@redocly/openapi-core';

const file = process.argv[2] || 'assets/openapi.json';
const config = await createConfig({ extends: ['recommended'] });
const problems = await lint({ ref: file, config });
for (const p of problems) {
  const where = p.location && p.location[0] ? p.location[0].pointer : '';
  console.log(`ÉCHEC ${p.severity} ${p.ruleId}: ${p.message} (${where})`);
}
const n = problems.length;
console.log(`openapi-lint: ${n ? 0 : 1} passed, ${n} failed`);
process.exit(n ? 1 : 0);
