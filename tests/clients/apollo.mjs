// A real frontend client against a running server, as a frontend developer would use it:
// Apollo Client 4 with a normalising InMemoryCache, relayStylePagination, and graphql-ws for
// subscriptions. Run by .ci/clients:
//   node apollo.mjs http://127.0.0.1:PORT/graphql EDITOR_EMAIL EDITOR_PASSWORD
// Exits non-zero with the first broken expectation.

import { ApolloClient, ApolloLink, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { getMainDefinition, relayStylePagination } from '@apollo/client/utilities';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import assert from 'node:assert/strict';

const [url, email, password] = process.argv.slice(2);
assert.ok(url && email && password, 'usage: apollo.mjs URL EMAIL PASSWORD');

function client({ token } = {}) {
  const http = new HttpLink({
    uri: url,
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  const ws = new GraphQLWsLink(
    createClient({
      url: url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    }),
  );
  const link = ApolloLink.split(
    ({ query }) => {
      const def = getMainDefinition(query);
      return def.kind === 'OperationDefinition' && def.operation === 'subscription';
    },
    ws,
    http,
  );
  const cache = new InMemoryCache({
    typePolicies: {
      Query: {
        fields: {
          programs: relayStylePagination(['filter', 'orderBy', 'asOf']),
        },
      },
    },
  });
  return new ApolloClient({ link, cache });
}

const step = (name) => console.log(`ok - ${name}`);

// 1. Paging with relayStylePagination: three pages through the cache equal one long page.
const PAGE = gql`
  query Page($after: String) {
    programs(first: 10, after: $after) {
      edges { cursor node { id slug name } }
      pageInfo { hasNextPage endCursor }
    }
  }
`;
const reader = client();
// "Load more" twice: each page fetched after the merged list's end cursor (the field's cache
// key leaves out `after`, so the pages merge into one list).
let result = await reader.query({ query: PAGE });
for (let i = 0; i < 2; i++) {
  const end = result.data.programs.pageInfo.endCursor;
  result = await reader.query({ query: PAGE, variables: { after: end }, fetchPolicy: 'network-only' });
}
result = await reader.query({ query: PAGE, fetchPolicy: 'cache-only' });
const merged = result.data.programs.edges.map((e) => e.node.slug);
assert.equal(merged.length, 30, `three pages merged: ${merged.length}`);
assert.equal(new Set(merged).size, 30, 'no program twice');
const whole = await client().query({
  query: gql`{ programs(first: 30) { nodes { slug } } }`,
});
assert.deepEqual(merged, whole.data.programs.nodes.map((n) => n.slug));
step('relayStylePagination pages through keyset cursors like one long page');

// 2. One program, by slug and by node(id:): one normalised object.
const BY_SLUG = gql`
  query BySlug { program(slug: "us-h1b") { id name fees(current: true) { id label } } }
`;
const bySlug = await reader.query({ query: BY_SLUG });
const id = bySlug.data.program.id;
const byNode = await reader.query({
  query: gql`query ByNode($id: ID!) { node(id: $id) { id ... on Program { name } } }`,
  variables: { id },
});
assert.equal(byNode.data.node.id, id);
const key = reader.cache.identify({ __typename: 'Program', id });
assert.ok(reader.cache.extract()[key], `one cache entry for ${key}`);
step('a program fetched by slug and by node(id:) is one cache object');

// 3. A dated view is its own object: loading it leaves today's program as it was.
const today = bySlug.data.program.fees.map((f) => f.id).sort();
const dated = await reader.query({
  query: gql`
    query Dated { program(slug: "us-h1b", asOf: "2025-09-20") { id fees(current: true) { id label } } }
  `,
});
assert.notEqual(dated.data.program.id, id, 'the dated view has its own id');
const datedFees = dated.data.program.fees.map((f) => f.id).sort();
assert.notDeepEqual(datedFees, today, 'the dated view shows other current fees');
const again = await reader.query({ query: BY_SLUG, fetchPolicy: 'cache-only' });
assert.deepEqual(again.data.program.fees.map((f) => f.id).sort(), today);
const refetched = await reader.query({
  query: gql`query Refetch($id: ID!) { node(id: $id) { id ... on Program { fees(current: true) { id } } } }`,
  variables: { id: dated.data.program.id },
  fetchPolicy: 'network-only',
});
assert.deepEqual(refetched.data.node.fees.map((f) => f.id).sort(), datedFees);
step("today's and a dated view stay apart in the cache; node(id:) refetches the dated view");

// 4. A change arrives over the subscription.
const signIn = await reader.mutate({
  mutation: gql`mutation($email: String!, $password: String!) { login(email: $email, password: $password) { token } }`,
  variables: { email, password },
});
const editor = client({ token: signIn.data.login.token });
const subscriber = client();
const slug = `zz-apollo-${Date.now()}`;
const received = new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error('no change within 15 s')), 15000);
  const subscription = subscriber
    .subscribe({
      query: gql`subscription { changes(recordTypes: [PROGRAM]) { kind record { ... on Program { slug } } } }`,
    })
    .subscribe({
      next: ({ data, error }) => {
        if (error) {
          reject(error);
          return;
        }
        if (data?.changes?.record?.slug === slug) {
          clearTimeout(timer);
          subscription.unsubscribe();
          resolve(data.changes);
        }
      },
      error: reject,
    });
});
// The subscription starts when the socket is acknowledged; give it a moment.
await new Promise((r) => setTimeout(r, 500));
const created = await editor.mutate({
  mutation: gql`
    mutation($input: ProgramInput!) { createProgram(input: $input) { id version } }
  `,
  variables: {
    input: { slug, name: 'Apollo client test visa', country: 'CN', category: 'TALENT', legalStatus: 'ANNOUNCED' },
  },
});
await editor.mutate({
  mutation: gql`mutation($id: ID!, $v: Int!) { publish(id: $id, expectedVersion: $v) { id state } }`,
  variables: { id: created.data.createProgram.id, v: created.data.createProgram.version },
});
const change = await received;
assert.equal(change.kind, 'NEW');
step('a published program arrives over the changes subscription');

// Close the sockets so that the process ends.
await Promise.all([reader, editor, subscriber].map((c) => c.link.dispose?.()));
process.exit(0);
