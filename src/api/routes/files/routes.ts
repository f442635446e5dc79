import { timingSafeEqual } from "node:crypto";
import type { FastifyReply } from "fastify";
import { Type } from "typebox";
import { isUuid } from "../../../core/ids.js";
import { AppError } from "../../../errors/index.js";
import { mimeType } from "../../../ingest/mime.js";
import { blobKeys } from "../../../ingest/urls.js";
import type { DocumentRecord } from "../../../store/contracts/document-store.js";
import type { ApiContext, ApiInstance } from "../../context.js";

const Params = Type.Object({ documentId: Type.String(), token: Type.String(), name: Type.String() });

/**
 * Hosted URLs (CONTRACT.md D14): the original file and the X-Ray, fetchable
 * without an API key by whoever holds the unguessable token. Unknown document,
 * wrong token and missing file all answer the same 404.
 */
export async function fileRoutes(
  app: ApiInstance,
  { documents, blobs, pageImages }: ApiContext,
): Promise<void> {
  async function authorise(documentId: string, token: string): Promise<DocumentRecord> {
    const document = isUuid(documentId)
      ? await documents.getDocumentById(documentId.toLowerCase())
      : undefined;
    const expected = Buffer.from(document?.urlToken ?? "");
    const given = Buffer.from(token);
    if (!document || expected.length !== given.length || !timingSafeEqual(expected, given)) {
      throw new AppError("FILE_NOT_FOUND");
    }
    return document;
  }

  app.get(
    "/files/:documentId/:token/original/:name",
    { schema: { hide: true, params: Params } },
    async (request, reply) => {
      const document = await authorise(request.params.documentId, request.params.token);
      const file = await blobs.open(blobKeys.original(document.id));
      if (!file) throw new AppError("FILE_NOT_FOUND");
      return reply
        .type(mimeType(document.fileType))
        .header("content-length", file.size)
        .header("content-disposition", `inline; filename*=UTF-8''${encodeURIComponent(document.fileName)}`)
        .header("x-content-type-options", "nosniff")
        .header("content-security-policy", "sandbox")
        .send(file.stream);
    },
  );

  /** A stored or freshly rendered JPEG; 404 when the document has no such image. */
  async function sendImage(reply: FastifyReply, image: () => Promise<Uint8Array | undefined>) {
    let jpeg: Uint8Array | undefined;
    try {
      jpeg = await image();
    } catch (error) {
      throw new AppError("PAGE_RENDER_FAILED", `The page image could not be rendered: ${reason(error)}`, {
        cause: error,
      });
    }
    if (!jpeg) throw new AppError("FILE_NOT_FOUND");
    return reply
      .type("image/jpeg")
      .header("cache-control", "private, max-age=86400")
      .header("x-content-type-options", "nosniff")
      .send(Buffer.from(jpeg.buffer, jpeg.byteOffset, jpeg.byteLength));
  }

  const ImageParams = Type.Object({
    documentId: Type.String(),
    token: Type.String(),
    number: Type.String({ pattern: "^[0-9]{1,6}$" }),
  });

  app.get(
    "/files/:documentId/:token/pages/:number.jpg",
    { schema: { hide: true, params: ImageParams } },
    async (request, reply) => {
      const document = await authorise(request.params.documentId, request.params.token);
      return sendImage(reply, () => pageImages.page(document, Number(request.params.number)));
    },
  );

  app.get(
    "/files/:documentId/:token/crops/:number.jpg",
    { schema: { hide: true, params: ImageParams } },
    async (request, reply) => {
      const document = await authorise(request.params.documentId, request.params.token);
      return sendImage(reply, () => pageImages.crop(document, Number(request.params.number)));
    },
  );

  app.get(
    "/files/:documentId/:token/xray.json",
    { schema: { hide: true, params: Type.Object({ documentId: Type.String(), token: Type.String() }) } },
    async (request, reply) => {
      const document = await authorise(request.params.documentId, request.params.token);
      const xray = document.status === "complete" ? await blobs.get(blobKeys.xray(document.id)) : undefined;
      if (!xray) throw new AppError("FILE_NOT_FOUND");
      return reply.type("application/json").send(Buffer.from(xray));
    },
  );
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
