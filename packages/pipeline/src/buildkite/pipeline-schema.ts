// Validates pipeline data against Buildkite's published JSON schema (vendored unchanged from
// github.com/buildkite/pipeline-schema; see vendor/buildkite-pipeline-schema/SOURCE.md). The
// schema declares draft-07, which is ajv's default class.
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';

const schemaUrl = new URL('../../vendor/buildkite-pipeline-schema/schema.json', import.meta.url);

let compiled: ReturnType<Ajv['compile']> | undefined;

function validator() {
  if (compiled === undefined) {
    // The schema uses `fileMatch` and `examples`-style keywords of editors; strict mode would
    // reject the unknown `fileMatch`. Formats are not asserted by the schema's own tests either.
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
    // eslint-disable-next-line security/detect-non-literal-fs-filename -- the vendored file beside this package
    compiled = ajv.compile(JSON.parse(readFileSync(schemaUrl, 'utf8')) as object);
  }
  return compiled;
}

/** The schema's complaints about a pipeline, one line each; empty when it is valid. */
export function pipelineSchemaErrors(pipeline: unknown): string[] {
  const validate = validator();
  if (validate(pipeline)) return [];
  return (validate.errors ?? []).map(
    (error: ErrorObject) =>
      `${error.instancePath || '/'} ${error.message ?? 'is invalid'}${
        Object.keys(error.params).length > 0 ? ` ${JSON.stringify(error.params)}` : ''
      }`,
  );
}
