/**
 * The daemon's status endpoint: JSON over HTTP on a Unix socket or a
 * loopback port.
 */
export {
  createStatusHandler,
  describeStatusAddress,
  startStatusEndpoint,
  type StatusEndpoint,
  type StatusEndpointAddress,
  type StatusEndpointOptions,
  type StatusHandlerOptions,
  type StatusSource,
} from './status-server.js';
export { StatusEndpointError, StatusEndpointErrorCode } from './errors.js';
export { isLoopbackAddress, isLoopbackHost } from './loopback.js';
