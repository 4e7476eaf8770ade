import type { OpenAPIObject } from '@nestjs/swagger';
import type { ReferenceObject, SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';

type Schema = SchemaObject | ReferenceObject;

/**
 * Marks `additionalProperties: false` on the schemas of request bodies and of the objects inside them, union members
 * included: the validation pipe refuses fields a DTO does not declare (forbidNonWhitelisted), and the transactions
 * endpoint refuses fields an event type does not have. The contract then says so instead of admitting extra fields
 * the server answers with 400.
 */
export function closeRequestSchemas(document: OpenAPIObject): OpenAPIObject {
  const components = (document.components?.schemas ?? {}) as Record<string, Schema>;
  const closed = new Set<string>();
  const close = (schema: Schema | undefined): void => {
    if (!schema) return;
    if ('$ref' in schema) {
      const name = schema.$ref.replace('#/components/schemas/', '');
      if (closed.has(name)) return;
      closed.add(name);
      close(components[name]);
      return;
    }
    // A feed's items say additionalProperties: true on purpose: the server takes any item and checks it on its own.
    if ((schema.type === 'object' || schema.properties) && schema.additionalProperties !== true) {
      schema.additionalProperties = false;
      for (const property of Object.values(schema.properties ?? {})) close(property);
    }
    if (schema.type === 'array') close(schema.items);
    for (const member of [...(schema.oneOf ?? []), ...(schema.anyOf ?? []), ...(schema.allOf ?? [])]) close(member);
  };
  for (const path of Object.values(document.paths)) {
    for (const operation of Object.values(path)) {
      const body = (operation as { requestBody?: { content?: Record<string, { schema?: Schema }> } }).requestBody;
      for (const media of Object.values(body?.content ?? {})) close(media.schema);
    }
  }
  return document;
}
