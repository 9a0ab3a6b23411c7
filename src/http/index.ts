/** What the node:http adapters of the daemon and the simulator share: reading a request, listening, closing. */
export { readBody, requestHead, type RequestHead } from './read-request.js';
export { closeGracefully, listen, type Listening } from './serve.js';
