import type { Kysely } from 'kysely';
import type { Database } from '../platform/database/database-schema.js';

/**
 * Where document bytes live. The default keeps them in PostgreSQL (bytea), which needs nothing
 * more to run; an object store can replace it behind the same three calls.
 */
export interface DocumentStorage {
  put(documentId: string, content: Buffer): Promise<void>;
  get(documentId: string): Promise<Buffer | undefined>;
  delete(documentId: string): Promise<void>;
}

export class PostgresDocumentStorage implements DocumentStorage {
  constructor(private readonly db: Kysely<Database>) {}

  async put(documentId: string, content: Buffer): Promise<void> {
    await this.db
      .insertInto('mastercom_document_contents')
      .values({ document_id: documentId, content })
      .execute();
  }

  async get(documentId: string): Promise<Buffer | undefined> {
    const row = await this.db
      .selectFrom('mastercom_document_contents')
      .select('content')
      .where('document_id', '=', documentId)
      .executeTakeFirst();
    return row?.content;
  }

  async delete(documentId: string): Promise<void> {
    await this.db
      .deleteFrom('mastercom_document_contents')
      .where('document_id', '=', documentId)
      .execute();
  }
}
