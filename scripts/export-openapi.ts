import { loadConfig } from '@app/platform';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import 'reflect-metadata';
import { buildOpenApi, createApp } from '../apps/api/src/bootstrap';

/** Renders the contract from the code, so openapi/openapi.json can never say something the API does not do. */
export async function renderOpenApi(): Promise<string> {
  const config = { ...loadConfig({}), demoConsumers: 0 };
  const app = await createApp(config, { logger: false });
  try {
    return `${JSON.stringify(buildOpenApi(app), null, 2)}\n`;
  } finally {
    await app.close();
  }
}

export const OPENAPI_PATH = join(__dirname, '..', 'openapi', 'openapi.json');

if (require.main === module) {
  renderOpenApi()
    .then((text) => {
      writeFileSync(OPENAPI_PATH, text);
      console.log(`wrote ${OPENAPI_PATH} (${text.length} bytes)`);
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
