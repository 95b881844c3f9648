import 'reflect-metadata';
import { buildOpenApi } from '../src/openapi/openapi';
const doc = buildOpenApi() as any;
const name = process.argv[2] ?? 'Campaign';
console.log(JSON.stringify(doc.components.schemas[name], null, 1).slice(0, 3000));
console.log(JSON.stringify(doc.paths['/v1/campaigns/{id}/schedule'], null, 1).slice(0, 2500));
