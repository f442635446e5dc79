export { type ForbiddenReason, forbiddenReason, isForbiddenAddress } from "./address.js";
export {
  type CallbackLogger,
  type CallbackResult,
  CallbackSender,
  type CallbackSenderOptions,
} from "./callbacks.js";
export {
  FetchError,
  type FetchErrorCode,
  type Resolver,
  type SafeFetchOptions,
  type SafeResponse,
  safeFetch,
} from "./safe-fetch.js";
