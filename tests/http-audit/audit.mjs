// Runs the GraphQL over HTTP spec's audits (the graphql-http package) against a running
// server: `node audit.mjs http://127.0.0.1:8080/graphql`. Exits non-zero on any MUST or SHOULD
// finding; MAY findings are listed but are choices the spec leaves open.
import { auditServer } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs <url of /graphql>');
  process.exit(2);
}
const results = await auditServer({ url });
let failed = 0;
for (const result of results) {
  const level = result.name.split(' ')[0];
  if (result.status === 'ok') continue;
  const serious = level === 'MUST' || level === 'SHOULD';
  if (serious) failed += 1;
  console.log(`${serious ? 'FAIL' : 'note'} ${result.id} ${result.name}: ${result.reason}`);
}
const passed = results.filter((r) => r.status === 'ok').length;
console.log(`${passed} of ${results.length} audits passed; ${failed} MUST or SHOULD findings`);
process.exit(failed === 0 ? 0 : 1);
