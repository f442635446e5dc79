import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from "fastify";
import type { Config } from "../config/index.js";
import type { PageImages } from "../ingest/page-images.js";
import type { IngestService } from "../ingest/service.js";
import type { HostedUrls } from "../ingest/urls.js";
import type { SearchService } from "../search/search.js";
import type { BucketService } from "../services/buckets.js";
import type { HealthMonitor } from "../services/health.js";
import type { BlobStore } from "../store/contracts/blob-store.js";
import type { DocumentStore } from "../store/contracts/document-store.js";
import type { MetadataStore } from "../store/contracts/metadata-store.js";

/** The fastify instance routes are registered on, typed by the TypeBox provider. */
export type ApiInstance = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/** Everything a route needs, passed explicitly (no globals: STYLE.md habit 14). */
export interface ApiContext {
  readonly config: Config;
  readonly store: MetadataStore;
  readonly health: HealthMonitor;
  readonly buckets: BucketService;
  readonly documents: DocumentStore;
  readonly blobs: BlobStore;
  readonly urls: HostedUrls;
  /** Page images and table/figure crops, rendered on first request. */
  readonly pageImages: PageImages;
  readonly ingest: IngestService;
  readonly search: SearchService;
  /** The clock, injectable so time-window rules are testable. */
  readonly now: () => Date;
}
