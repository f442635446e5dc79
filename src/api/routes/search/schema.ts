import { Type } from "typebox";
import { NextToken, PageSize } from "../../schemas/common.js";

export const Verbosity = Type.Integer({
  minimum: 0,
  maximum: 2,
  description: "0: text only; 1: results; 2: results with searchData",
});

export const SearchQuerystring = Type.Object({
  n: Type.Optional(PageSize),
  nextToken: Type.Optional(NextToken),
  verbosity: Type.Optional(Verbosity),
});

const common = {
  query: Type.Union([Type.String(), Type.Null()], { description: "The search query (required, not blank)" }),
  filter: Type.Optional(Type.Unknown({ description: "Metadata filter (MongoDB subset, §6.5)" })),
  relevance: Type.Optional(Type.Union([Type.Number({ minimum: 0 }), Type.Null()])),
  n: Type.Optional(Type.Union([PageSize, Type.Null()])),
  verbosity: Type.Optional(Type.Union([Verbosity, Type.Null()])),
  nextToken: Type.Optional(Type.Union([NextToken, Type.Null()])),
  mode: Type.Optional(
    Type.Union([Type.Enum(["hybrid", "lexical", "dense"]), Type.Null()], {
      description: "Openground extension: which retrievers run (default hybrid)",
    }),
  ),
};

export const SearchContentBody = Type.Object(common);
export const SearchDocumentsBody = Type.Object({
  ...common,
  documentIds: Type.Array(Type.String(), { minItems: 1, maxItems: 1000 }),
});

export const SearchIdParams = Type.Object({
  id: Type.String({ description: "bucketId, groupId or documentId" }),
});

export const SearchResponse = Type.Object({
  search: Type.Object(
    {
      query: Type.String(),
      searchQuery: Type.Optional(Type.String()),
      count: Type.Integer(),
      score: Type.Optional(Type.Number()),
      text: Type.String(),
      results: Type.Optional(Type.Array(Type.Object({}, { additionalProperties: true }))),
      nextToken: Type.Optional(Type.String()),
    },
    { additionalProperties: true },
  ),
});
