// Writes the gateway's OpenAPI document (what it serves at /openapi.json) to ../openapi.json, the
// copy this package's types are generated from. A dev tool, run by hand after the API changes
// (`npm run openapi -w @helpdesk/api-client`, after building the gateway): the package itself never
// loads the gateway, and a gateway test fails while the committed copy differs from what it builds.
const fs = require('node:fs');
const path = require('node:path');

const gateway = path.join(__dirname, '..', '..', '..', 'services', 'gateway', 'dist');
require(path.join(gateway, 'app')); // every route file declares its operations when it is loaded
const { buildOpenApi } = require(path.join(gateway, 'openapi'));

const out = path.join(__dirname, '..', 'openapi.json');
fs.writeFileSync(out, JSON.stringify(buildOpenApi(), null, 2) + '\n');
console.log(`wrote ${path.relative(process.cwd(), out)}`);
