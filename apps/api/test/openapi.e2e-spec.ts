import { readFileSync } from 'node:fs';
import { OPENAPI_PATH, renderOpenApi } from '../../../scripts/export-openapi';

describe('openapi/openapi.json', () => {
  it('is exactly what the code produces (run `npm run openapi:export` after changing the API)', async () => {
    expect(readFileSync(OPENAPI_PATH, 'utf8')).toBe(await renderOpenApi());
  }, 60_000);
});
