import { Type } from "typebox";
import { PAGE_SIZE } from "../../core/pagination.js";

/** `{ message }`: the body of every error (D1) and of MessageResponse (§2.12). */
export const MessageResponse = Type.Object(
  {
    message: Type.String(),
    code: Type.Optional(Type.String({ description: "Stable UPPER_SNAKE error code (errors only)" })),
  },
  { $id: "MessageResponse", additionalProperties: true },
);

export const PageSize = Type.Integer({
  minimum: PAGE_SIZE.min,
  maximum: PAGE_SIZE.max,
  default: PAGE_SIZE.default,
  description: "Page size, 1–100",
});

export const NextToken = Type.String({
  minLength: 1,
  maxLength: 4096,
  description: "Opaque cursor from the previous page, valid only with the same query",
});

/** Query of the bucket and group lists (§7, §8). */
export const PaginationQuery = Type.Object({
  n: Type.Optional(PageSize),
  nextToken: Type.Optional(NextToken),
});

export const Timestamp = Type.String({ format: "date-time", description: "RFC 3339, UTC" });

/** Standard error responses attached to every authenticated route for the OpenAPI document. */
export const errorResponses = {
  400: MessageResponse,
  401: MessageResponse,
  404: MessageResponse,
} as const;
