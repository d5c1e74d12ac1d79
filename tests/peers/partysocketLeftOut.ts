/**
 * partysocket's test suite (cloudflare/partykit at c9ab55f3, packages/partysocket/src/tests/,
 * partysocket 1.3.0): where each upstream file went. 325 upstream tests in 13 files.
 *
 * Ported, every test of the WebSocket part under its upstream name (the left-out ones of a ported
 * file are listed at the top of its port):
 * - reconnecting.test.ts      → partysocket-reconnecting.test.ts       (49 of 49)
 * - reconnecting-node.test.ts → partysocket-reconnecting-node.test.ts  (1 of 1)
 * - edge-cases.test.ts        → partysocket-edge-cases.test.ts         (24 of 40)
 * - error-handling.test.ts    → partysocket-error-handling.test.ts     (23 of 32)
 * - integration.test.ts       → partysocket-integration.test.ts        (10 of 11)
 * - module-scope.test.ts      → partysocket-module-scope.test.ts       (1 of 1)
 * - react-native.test.ts      → partysocket-react-native.test.ts       (4 of 5)
 *
 * Left out whole — PartySocket-only features (rooms, host/party/room URL building, `fetch`), its React
 * hooks, SSR, and its performance tests — one line per upstream test, with why:
 *
 * src/tests/partysocket.test.ts — 2 test(s), all left out: PartySocket rooms (host/room, updateProperties).
 * - "throws if host or room is not set": PartySocket rooms (host/room, updateProperties).
 * - "if the room is correctly updated after calling updateProperties": PartySocket rooms (host/room, updateProperties).
 *
 * src/tests/partysocket-url.test.ts — 53 test(s), all left out: PartySocket host/party/room URL building and its properties.
 * - "PartySocket URL Construction" > "constructs URL from host and room": PartySocket host/party/room URL building and its properties.
 * - "PartySocket URL Construction" > "constructs URL with custom party": PartySocket host/party/room URL building and its properties.
 * - "PartySocket URL Construction" > "uses ws:// for localhost": PartySocket host/party/room URL building and its properties.
 * - "PartySocket URL Construction" > "uses ws:// for 127.0.0.1": PartySocket host/party/room URL building and its properties.
 * - "PartySocket URL Construction" > "uses ws:// for private IP 192.168.x.x": PartySocket host/party/room URL building and its properties.
 * - "PartySocket URL Construction" > "uses ws:// for private IP 10.x.x.x": PartySocket host/party/room URL building and its properties.
 * - "PartySocket URL Construction" > "uses ws:// for private IP 172.16-31.x.x": PartySocket host/party/room URL building and its properties.
 * - "PartySocket URL Construction" > "uses ws:// for IPv6 localhost": PartySocket host/party/room URL building and its properties.
 * - "PartySocket URL Construction" > "uses wss:// for public domains": PartySocket host/party/room URL building and its properties.
 * - "PartySocket URL Construction" > "strips protocol from host (https)": PartySocket host/party/room URL building and its properties.
 * - "PartySocket URL Construction" > "strips protocol from host (http)": PartySocket host/party/room URL building and its properties.
 * - "PartySocket URL Construction" > "strips protocol from host (ws)": PartySocket host/party/room URL building and its properties.
 * - "PartySocket URL Construction" > "strips protocol from host (wss)": PartySocket host/party/room URL building and its properties.
 * - "PartySocket URL Construction" > "handles trailing slash in host": PartySocket host/party/room URL building and its properties.
 * - "PartySocket URL Construction" > "throws when path starts with slash": PartySocket host/party/room URL building and its properties.
 * - "PartySocket URL Construction" > "includes path in URL when provided": PartySocket host/party/room URL building and its properties.
 * - "PartySocket URL Construction" > "uses basePath when provided": PartySocket host/party/room URL building and its properties.
 * - "PartySocket URL Construction" > "uses prefix when provided": PartySocket host/party/room URL building and its properties.
 * - "PartySocket URL Construction" > "basePath takes precedence over prefix": PartySocket host/party/room URL building and its properties.
 * - "PartySocket URL Construction" > "can override protocol with explicit option": PartySocket host/party/room URL building and its properties.
 * - "PartySocket URL Construction" > "defaults party to 'main' when not provided": PartySocket host/party/room URL building and its properties.
 * - "PartySocket Query Parameters" > "includes connection ID in query params": PartySocket host/party/room URL building and its properties.
 * - "PartySocket Query Parameters" > "generates random ID when not provided": PartySocket host/party/room URL building and its properties.
 * - "PartySocket Query Parameters" > "adds static query parameters": PartySocket host/party/room URL building and its properties.
 * - "PartySocket Query Parameters" > "omits null and undefined query parameters": PartySocket host/party/room URL building and its properties.
 * - "PartySocket Query Parameters" > "handles empty query object": PartySocket host/party/room URL building and its properties.
 * - "PartySocket Properties" > "exposes host property": PartySocket host/party/room URL building and its properties.
 * - "PartySocket Properties" > "exposes room property": PartySocket host/party/room URL building and its properties.
 * - "PartySocket Properties" > "exposes name (party) property": PartySocket host/party/room URL building and its properties.
 * - "PartySocket Properties" > "exposes path property": PartySocket host/party/room URL building and its properties.
 * - "PartySocket Properties" > "exposes roomUrl property": PartySocket host/party/room URL building and its properties.
 * - "PartySocket Properties" > "roomUrl is static without query parameters": PartySocket host/party/room URL building and its properties.
 * - "PartySocket.updateProperties" > "updates room": PartySocket host/party/room URL building and its properties.
 * - "PartySocket.updateProperties" > "updates host": PartySocket host/party/room URL building and its properties.
 * - "PartySocket.updateProperties" > "updates party": PartySocket host/party/room URL building and its properties.
 * - "PartySocket.updateProperties" > "updates path": PartySocket host/party/room URL building and its properties.
 * - "PartySocket.updateProperties" > "updates multiple properties at once": PartySocket host/party/room URL building and its properties.
 * - "PartySocket.updateProperties" > "preserves existing properties when partially updating": PartySocket host/party/room URL building and its properties.
 * - "PartySocket.updateProperties" > "updates query parameters": PartySocket host/party/room URL building and its properties.
 * - "PartySocket.updateProperties" > "throws when reconnecting without host and room": PartySocket host/party/room URL building and its properties.
 * - "PartySocket Name Validation" > "warns when party name contains forward slash": PartySocket host/party/room URL building and its properties.
 * - "PartySocket Name Validation" > "warns when room name contains forward slash": PartySocket host/party/room URL building and its properties.
 * - "PartySocket Name Validation" > "warns for both party and room with forward slashes": PartySocket host/party/room URL building and its properties.
 * - "PartySocket Name Validation" > "can disable name validation": PartySocket host/party/room URL building and its properties.
 * - "PartySocket Name Validation" > "does not warn for valid names": PartySocket host/party/room URL building and its properties.
 * - "PartySocket Protocols" > "accepts protocols array": PartySocket host/party/room URL building and its properties.
 * - "PartySocket Protocols" > "accepts single protocol string": PartySocket host/party/room URL building and its properties.
 * - "PartySocket Options Passthrough" > "passes maxRetries to ReconnectingWebSocket": PartySocket host/party/room URL building and its properties.
 * - "PartySocket Options Passthrough" > "passes debug option to ReconnectingWebSocket": PartySocket host/party/room URL building and its properties.
 * - "PartySocket Options Passthrough" > "passes connectionTimeout to ReconnectingWebSocket": PartySocket host/party/room URL building and its properties.
 * - "PartySocket Options Passthrough" > "passes minReconnectionDelay to ReconnectingWebSocket": PartySocket host/party/room URL building and its properties.
 * - "PartySocket Options Passthrough" > "passes maxReconnectionDelay to ReconnectingWebSocket": PartySocket host/party/room URL building and its properties.
 * - "PartySocket Options Passthrough" > "passes custom WebSocket constructor": PartySocket host/party/room URL building and its properties.
 *
 * src/tests/partysocket-fetch.test.ts — 25 test(s), all left out: PartySocket.fetch.
 * - "PartySocket.fetch" > "constructs HTTP URL correctly": PartySocket.fetch.
 * - "PartySocket.fetch" > "uses http:// for localhost": PartySocket.fetch.
 * - "PartySocket.fetch" > "uses http:// for 127.0.0.1": PartySocket.fetch.
 * - "PartySocket.fetch" > "uses http:// for private IP ranges": PartySocket.fetch.
 * - "PartySocket.fetch" > "includes custom party in URL": PartySocket.fetch.
 * - "PartySocket.fetch" > "includes path in URL": PartySocket.fetch.
 * - "PartySocket.fetch" > "uses basePath when provided": PartySocket.fetch.
 * - "PartySocket.fetch" > "uses prefix when provided": PartySocket.fetch.
 * - "PartySocket.fetch" > "includes query parameters": PartySocket.fetch.
 * - "PartySocket.fetch" > "omits null and undefined query parameters": PartySocket.fetch.
 * - "PartySocket.fetch" > "handles async query provider": PartySocket.fetch.
 * - "PartySocket.fetch" > "handles sync query provider": PartySocket.fetch.
 * - "PartySocket.fetch" > "can override protocol with explicit option": PartySocket.fetch.
 * - "PartySocket.fetch" > "passes RequestInit to fetch": PartySocket.fetch.
 * - "PartySocket.fetch" > "uses global fetch when not provided": PartySocket.fetch.
 * - "PartySocket.fetch" > "strips protocol from host": PartySocket.fetch.
 * - "PartySocket.fetch" > "handles trailing slash in host": PartySocket.fetch.
 * - "PartySocket.fetch" > "throws when path starts with slash": PartySocket.fetch.
 * - "PartySocket.fetch" > "returns Response from fetch": PartySocket.fetch.
 * - "PartySocket.fetch" > "propagates fetch errors": PartySocket.fetch.
 * - "PartySocket.fetch" > "works with different HTTP methods": PartySocket.fetch.
 * - "PartySocket.fetch" > "constructs same base URL as PartySocket with same options": PartySocket.fetch.
 * - "PartySocket.fetch edge cases" > "handles empty query object": PartySocket.fetch.
 * - "PartySocket.fetch edge cases" > "handles query provider returning empty object": PartySocket.fetch.
 * - "PartySocket.fetch edge cases" > "works without optional parameters": PartySocket.fetch.
 *
 * src/tests/react-hooks.test.tsx — 71 test(s), all left out: React hooks usePartySocket/useWebSocket.
 * - "usePartySocket" > "creates a PartySocket instance": React hooks usePartySocket/useWebSocket.
 * - "usePartySocket" > "defaults host to window.location.host": React hooks usePartySocket/useWebSocket.
 * - "usePartySocket" > "creates stable socket instance across re-renders": React hooks usePartySocket/useWebSocket.
 * - "usePartySocket" > "reconnects when host changes": React hooks usePartySocket/useWebSocket.
 * - "usePartySocket" > "reconnects when room changes": React hooks usePartySocket/useWebSocket.
 * - "usePartySocket" > "reconnects when party changes": React hooks usePartySocket/useWebSocket.
 * - "usePartySocket" > "reconnects when protocol changes": React hooks usePartySocket/useWebSocket.
 * - "usePartySocket" > "reconnects when path changes": React hooks usePartySocket/useWebSocket.
 * - "usePartySocket" > "reconnects when id changes": React hooks usePartySocket/useWebSocket.
 * - "usePartySocket" > "reconnects when basePath changes": React hooks usePartySocket/useWebSocket.
 * - "usePartySocket" > "reconnects when prefix changes": React hooks usePartySocket/useWebSocket.
 * - "usePartySocket" > "reconnects when maxRetries changes": React hooks usePartySocket/useWebSocket.
 * - "usePartySocket" > "reconnects when debug option changes": React hooks usePartySocket/useWebSocket.
 * - "usePartySocket" > "does NOT reconnect when event handlers change": React hooks usePartySocket/useWebSocket.
 * - "usePartySocket" > "attaches onOpen event handler": React hooks usePartySocket/useWebSocket.
 * - "usePartySocket" > "attaches onMessage event handler": React hooks usePartySocket/useWebSocket.
 * - "usePartySocket" > "attaches onClose event handler": React hooks usePartySocket/useWebSocket.
 * - "usePartySocket" > "attaches onError event handler": React hooks usePartySocket/useWebSocket.
 * - "usePartySocket" > "updates event handlers without reconnecting": React hooks usePartySocket/useWebSocket.
 * - "usePartySocket" > "closes socket on unmount": React hooks usePartySocket/useWebSocket.
 * - "usePartySocket" > "respects startClosed option": React hooks usePartySocket/useWebSocket.
 * - "usePartySocket" > "connects automatically when startClosed is false": React hooks usePartySocket/useWebSocket.
 * - "usePartySocket" > "handles query parameters": React hooks usePartySocket/useWebSocket.
 * - "usePartySocket" > "handles function query provider": React hooks usePartySocket/useWebSocket.
 * - "usePartySocket" > "does NOT reconnect when query object reference changes (values are not in memo key)": React hooks usePartySocket/useWebSocket.
 * - "usePartySocket" > "handles all event handlers together": React hooks usePartySocket/useWebSocket.
 * - "usePartySocket" > "can call socket methods": React hooks usePartySocket/useWebSocket.
 * - "usePartySocket" > "does not connect when enabled is false": React hooks usePartySocket/useWebSocket.
 * - "usePartySocket" > "connects when enabled is true (default)": React hooks usePartySocket/useWebSocket.
 * - "usePartySocket" > "disconnects when enabled changes from true to false": React hooks usePartySocket/useWebSocket.
 * - "usePartySocket" > "reconnects when enabled changes from false to true": React hooks usePartySocket/useWebSocket.
 * - "usePartySocket" > "keeps the same socket instance when enabled toggles": React hooks usePartySocket/useWebSocket.
 * - "usePartySocket" > "creates new socket when options change while re-enabling": React hooks usePartySocket/useWebSocket.
 * - "usePartySocket" > "closes socket on unmount after enabled toggle": React hooks usePartySocket/useWebSocket.
 * - "usePartySocket" > "re-enable with same options preserves socket identity": React hooks usePartySocket/useWebSocket.
 * - "usePartySocket" > "multiple options changes while disabled uses final options": React hooks usePartySocket/useWebSocket.
 * - "usePartySocket" > "cleans up pending socket on unmount during options change": React hooks usePartySocket/useWebSocket.
 * - "usePartySocket" > "does not call reconnect on stale socket during token refresh": React hooks usePartySocket/useWebSocket.
 * - "usePartySocket" > "does not create multiple sockets during single re-enable cycle": React hooks usePartySocket/useWebSocket.
 * - "useWebSocket" > "creates a ReconnectingWebSocket instance": React hooks usePartySocket/useWebSocket.
 * - "useWebSocket" > "creates stable socket instance across re-renders": React hooks usePartySocket/useWebSocket.
 * - "useWebSocket" > "reconnects when URL changes": React hooks usePartySocket/useWebSocket.
 * - "useWebSocket" > "reconnects when protocols change": React hooks usePartySocket/useWebSocket.
 * - "useWebSocket" > "reconnects when options change": React hooks usePartySocket/useWebSocket.
 * - "useWebSocket" > "does NOT reconnect when event handlers change": React hooks usePartySocket/useWebSocket.
 * - "useWebSocket" > "accepts event handlers": React hooks usePartySocket/useWebSocket.
 * - "useWebSocket" > "closes socket on unmount": React hooks usePartySocket/useWebSocket.
 * - "useWebSocket" > "handles URL as function": React hooks usePartySocket/useWebSocket.
 * - "useWebSocket" > "handles protocols as array": React hooks usePartySocket/useWebSocket.
 * - "useWebSocket" > "can call send method": React hooks usePartySocket/useWebSocket.
 * - "useWebSocket" > "does not connect when enabled is false": React hooks usePartySocket/useWebSocket.
 * - "useWebSocket" > "connects when enabled is true (default)": React hooks usePartySocket/useWebSocket.
 * - "useWebSocket" > "disconnects when enabled changes from true to false": React hooks usePartySocket/useWebSocket.
 * - "useWebSocket" > "reconnects when enabled changes from false to true": React hooks usePartySocket/useWebSocket.
 * - "useWebSocket" > "keeps the same socket instance when enabled toggles": React hooks usePartySocket/useWebSocket.
 * - "HMR resilience (useStableSocket)" > "usePartySocket preserves socket identity under StrictMode (simulates HMR)": React hooks usePartySocket/useWebSocket.
 * - "HMR resilience (useStableSocket)" > "startClosed: true keeps socket closed under StrictMode (no spurious reconnect)": React hooks usePartySocket/useWebSocket.
 * - "HMR resilience (useStableSocket)" > "usePartySocket preserves socket identity under StrictMode without startClosed": React hooks usePartySocket/useWebSocket.
 * - "HMR resilience (useStableSocket)" > "usePartySocket still creates new socket when options change under StrictMode": React hooks usePartySocket/useWebSocket.
 * - "HMR resilience (useStableSocket)" > "useWebSocket preserves socket identity under StrictMode (simulates HMR)": React hooks usePartySocket/useWebSocket.
 * - "HMR resilience (useStableSocket)" > "useWebSocket still creates new socket when URL changes under StrictMode": React hooks usePartySocket/useWebSocket.
 * - "HMR resilience (useStableSocket)" > "socket identity is preserved across multiple rerenders with same props": React hooks usePartySocket/useWebSocket.
 * - "HMR resilience (useStableSocket)" > "unmount still calls close() under StrictMode": React hooks usePartySocket/useWebSocket.
 * - "HMR resilience (useStableSocket)" > "re-enable with changed options creates new socket under StrictMode": React hooks usePartySocket/useWebSocket.
 * - "buffered message handling across socket replacement" > "transfers buffered messages to the replacement socket when only query changes": React hooks usePartySocket/useWebSocket.
 * - "buffered message handling across socket replacement" > "transferred messages arrive in the order they were sent": React hooks usePartySocket/useWebSocket.
 * - "buffered message handling across socket replacement" > "drops buffered messages with a warning when the destination changes": React hooks usePartySocket/useWebSocket.
 * - "buffered message handling across socket replacement" > "transferEnqueuedMessages: true forces transfer across a destination change": React hooks usePartySocket/useWebSocket.
 * - "buffered message handling across socket replacement" > "transferEnqueuedMessages: false drops buffered messages even when only query changes": React hooks usePartySocket/useWebSocket.
 * - "Wire-level: usePartySocket enabled/disabled with real connections" > "reconnects with fresh query params after disable/re-enable": React hooks usePartySocket/useWebSocket.
 * - "Wire-level: usePartySocket enabled/disabled with real connections" > "does not cause multiple connections on single re-enable": React hooks usePartySocket/useWebSocket.
 *
 * src/tests/react-ssr.test.tsx — 20 test(s), all left out: SSR (server-side rendering of the React hooks).
 * - "SSR/Node.js Environment - usePartySocket" > "should use default host when window is not available": SSR (server-side rendering of the React hooks).
 * - "SSR/Node.js Environment - usePartySocket" > "should not attempt to connect during SSR when startClosed is true": SSR (server-side rendering of the React hooks).
 * - "SSR/Node.js Environment - usePartySocket" > "should handle explicit host in SSR environment": SSR (server-side rendering of the React hooks).
 * - "SSR/Node.js Environment - usePartySocket" > "should create socket with correct protocol in SSR": SSR (server-side rendering of the React hooks).
 * - "SSR/Node.js Environment - usePartySocket" > "should handle party option in SSR": SSR (server-side rendering of the React hooks).
 * - "SSR/Node.js Environment - usePartySocket" > "should generate UUID for client id in SSR": SSR (server-side rendering of the React hooks).
 * - "SSR/Node.js Environment - usePartySocket" > "should preserve custom id in SSR": SSR (server-side rendering of the React hooks).
 * - "SSR/Node.js Environment - usePartySocket" > "should handle query params in SSR": SSR (server-side rendering of the React hooks).
 * - "SSR/Node.js Environment - usePartySocket" > "should handle async query params in SSR": SSR (server-side rendering of the React hooks).
 * - "SSR/Node.js Environment - usePartySocket" > "should not throw when WebSocket constructor is missing": SSR (server-side rendering of the React hooks).
 * - "SSR/Node.js Environment - useWebSocket" > "should render with string URL in SSR": SSR (server-side rendering of the React hooks).
 * - "SSR/Node.js Environment - useWebSocket" > "should render with function URL in SSR": SSR (server-side rendering of the React hooks).
 * - "SSR/Node.js Environment - useWebSocket" > "should render with async URL in SSR": SSR (server-side rendering of the React hooks).
 * - "SSR/Node.js Environment - useWebSocket" > "should handle protocols array in SSR": SSR (server-side rendering of the React hooks).
 * - "SSR/Node.js Environment - useWebSocket" > "should handle protocol function in SSR": SSR (server-side rendering of the React hooks).
 * - "SSR/Node.js Environment - useWebSocket" > "should handle async protocol in SSR": SSR (server-side rendering of the React hooks).
 * - "SSR/Node.js Environment - useWebSocket" > "should not connect during SSR rendering": SSR (server-side rendering of the React hooks).
 * - "SSR/Node.js Environment - Hydration Safety" > "should create consistent socket IDs across renders": SSR (server-side rendering of the React hooks).
 * - "SSR/Node.js Environment - Hydration Safety" > "should create consistent URLs across renders": SSR (server-side rendering of the React hooks).
 * - "SSR/Node.js Environment - Hydration Safety" > "should handle changing query params in SSR": SSR (server-side rendering of the React hooks).
 *
 * src/tests/performance.test.ts — 15 test(s), all left out: performance test: timed assertions and fixed ports break this project's rules; bench/ measures speed.
 * - "Performance - Message Throughput" > "handles high message volume": performance test: timed assertions and fixed ports break this project's rules; bench/ measures speed.
 * - "Performance - Message Throughput" > "handles rapid small messages efficiently": performance test: timed assertions and fixed ports break this project's rules; bench/ measures speed.
 * - "Performance - Message Throughput" > "handles large messages efficiently": performance test: timed assertions and fixed ports break this project's rules; bench/ measures speed.
 * - "Performance - Connection Speed" > "connects quickly": performance test: timed assertions and fixed ports break this project's rules; bench/ measures speed.
 * - "Performance - Connection Speed" > "reconnects quickly after disconnect": performance test: timed assertions and fixed ports break this project's rules; bench/ measures speed.
 * - "Performance - Message Queue" > "respects maxEnqueuedMessages limit efficiently": performance test: timed assertions and fixed ports break this project's rules; bench/ measures speed.
 * - "Performance - Message Queue" > "message queue operations are fast": performance test: timed assertions and fixed ports break this project's rules; bench/ measures speed.
 * - "Performance - Reconnection Logic" > "retry delay calculation is efficient": performance test: timed assertions and fixed ports break this project's rules; bench/ measures speed.
 * - "Performance - Reconnection Logic" > "multiple reconnect calls don't cause performance issues": performance test: timed assertions and fixed ports break this project's rules; bench/ measures speed.
 * - "Performance - Event Handling" > "adding many event listeners is efficient": performance test: timed assertions and fixed ports break this project's rules; bench/ measures speed.
 * - "Performance - Event Handling" > "removing many event listeners is efficient": performance test: timed assertions and fixed ports break this project's rules; bench/ measures speed.
 * - "Performance - PartySocket Operations" > "URL construction is fast": performance test: timed assertions and fixed ports break this project's rules; bench/ measures speed.
 * - "Performance - PartySocket Operations" > "property updates are efficient": performance test: timed assertions and fixed ports break this project's rules; bench/ measures speed.
 * - "Performance - Memory" > "closed sockets can be garbage collected": performance test: timed assertions and fixed ports break this project's rules; bench/ measures speed.
 * - "Performance - Memory" > "message queue doesn't grow unbounded": performance test: timed assertions and fixed ports break this project's rules; bench/ measures speed.
 */
export {};
