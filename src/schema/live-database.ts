import pg from 'pg';
import { serialize } from 'pg-protocol';
import { redactSecrets, usageError } from '../diagnostics.js';
import { toDescribeError, type BackendMessage, type DbSession, type DescribeResult } from './db-session.js';

/**
 * Connects to the user's server. pg does the connecting (TLS, SCRAM, md5, ...); describing
 * goes through pg's documented "submittable" hook, which hands us the raw protocol
 * connection, so statements can be pipelined (Parse/Describe for every statement, one
 * Sync) on a socket with Nagle disabled.
 */
export async function connectLiveDatabase(url: string): Promise<DbSession> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 15_000 });
  let broken: Error | undefined;
  client.on('error', (error) => {
    broken = error;
  });
  try {
    await client.connect();
  } catch (error) {
    throw usageError(`could not connect to ${redactSecrets(url)}: ${redactSecrets(messageOf(error))}`);
  }
  const alive = (): void => {
    if (broken) throw usageError(`lost the connection to ${redactSecrets(url)}: ${redactSecrets(broken.message)}`);
  };

  return {
    kind: 'live',
    async query<Row>(sql: string): Promise<Row[]> {
      alive();
      const result = await client.query(sql);
      return result.rows as Row[];
    },
    async describe(texts: readonly string[]): Promise<DescribeResult[]> {
      alive();
      const results: DescribeResult[] = [];
      // A failed statement makes the server skip the rest of the pipeline up to Sync, so
      // the statements after it go out again in the next batch.
      while (results.length < texts.length) {
        const batch = new DescribeBatch(texts.slice(results.length));
        await client.query(batch as unknown as pg.QueryConfig);
        results.push(...(await batch.done));
      }
      return results;
    },
    async close(): Promise<void> {
      await client.end().catch(() => undefined);
    },
  };
}

interface ProtocolConnection {
  stream: { write(buffer: Buffer): boolean };
  on(event: string, listener: (message: BackendMessage) => void): void;
  removeListener(event: string, listener: (message: BackendMessage) => void): void;
}

/** A pg "submittable": pg calls `submit` with the connection and routes replies to the handlers. */
class DescribeBatch {
  readonly done: Promise<DescribeResult[]>;
  private readonly results: DescribeResult[] = [];
  private paramTypes: readonly number[] = [];
  private settle!: { resolve(results: DescribeResult[]): void; reject(error: Error): void };
  private connection: ProtocolConnection | undefined;

  constructor(private readonly texts: readonly string[]) {
    this.done = new Promise((resolve, reject) => {
      this.settle = { resolve, reject };
    });
  }

  private readonly onParameterDescription = (message: BackendMessage): void => {
    this.paramTypes = message.dataTypeIDs ?? [];
  };

  private readonly onNoData = (): void => {
    this.push({ ok: true, paramTypes: this.paramTypes, fields: [] });
  };

  submit(connection: ProtocolConnection): void {
    this.connection = connection;
    connection.on('parameterDescription', this.onParameterDescription);
    connection.on('noData', this.onNoData);
    const parts: Buffer[] = [];
    for (const text of this.texts) {
      parts.push(serialize.parse({ text, types: [] }), serialize.describe({ type: 'S' }));
    }
    parts.push(serialize.sync());
    connection.stream.write(Buffer.concat(parts));
  }

  handleRowDescription(message: BackendMessage): void {
    this.push({
      ok: true,
      paramTypes: this.paramTypes,
      fields: (message.fields ?? []).map((f) => ({
        name: f.name,
        tableOid: f.tableID,
        columnNumber: f.columnID,
        typeOid: f.dataTypeID,
      })),
    });
  }

  handleError(error: Error & BackendMessage): void {
    this.detach();
    if (error.name === 'error' && error.code) {
      // A statement that does not analyse; pg ends this submittable here.
      this.results.push({ ok: false, error: toDescribeError(error) });
      this.settle.resolve(this.results);
    } else {
      this.settle.reject(error);
    }
  }

  handleReadyForQuery(): void {
    this.detach();
    this.settle.resolve(this.results);
  }

  handleCommandComplete(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
  handleCopyInResponse(): void {}
  handleCopyData(): void {}

  private push(result: DescribeResult): void {
    this.results.push(result);
    this.paramTypes = [];
  }

  private detach(): void {
    this.connection?.removeListener('parameterDescription', this.onParameterDescription);
    this.connection?.removeListener('noData', this.onNoData);
  }
}

function messageOf(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length) return messageOf(error.errors[0]);
  if (error instanceof Error) return error.message || (error as { code?: string }).code || String(error);
  return String(error);
}
