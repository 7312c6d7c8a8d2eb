// A student's journey through the SocialErasmus Match HTTP edge, from Node.js 18+ with its
// built-in fetch and nothing else: list activities, watch the inbox (Connect server
// streaming), ask for recommendations, enrol in the first one, see its inbox item arrive on
// the stream, and see the field error that bad input gets.
//
//   node journey.mjs [API_URL [TOKEN [STUDENT_ID]]]
//
// or SE_API_URL, SE_TOKEN and SE_STUDENT_ID in the environment. API_URL defaults to
// http://127.0.0.1:8080 (the edge `make run` starts), STUDENT_ID to demo-student; TOKEN is a
// bearer token of that student, or of a platform (which may act for any student).

const CATALOGUE = "socialerasmus.catalogue.v1.CatalogueService";
const MATCHING = "socialerasmus.matching.v1.MatchingService";
const NOTIFY = "socialerasmus.notify.v1.NotifyService";
const WATCH_MS = 20_000;

const api = process.argv[2] || process.env.SE_API_URL || "http://127.0.0.1:8080";
const token = process.argv[3] || process.env.SE_TOKEN;
const student = process.argv[4] || process.env.SE_STUDENT_ID || "demo-student";
if (!token) {
  console.error("usage: node journey.mjs [API_URL [TOKEN [STUDENT_ID]]] (or SE_TOKEN)");
  process.exit(2);
}
const url = (service, method) => `${api.replace(/\/$/, "")}/${service}/${method}`;

/** A Connect error: the HTTP status and the JSON body (code, message, details). */
class ApiError extends Error {
  constructor(status, body) {
    super(`${body.code}: ${body.message}`);
    this.status = status;
    this.body = body;
  }

  /** Each bad field's description, by field name, from the google.rpc.BadRequest detail. */
  get fieldViolations() {
    return (this.body.details ?? [])
      .filter((detail) => detail.type === "google.rpc.BadRequest")
      .flatMap((detail) => detail.debug?.fieldViolations ?? []);
  }
}

class Unreachable extends Error {}

/** fetch, saying which address could not be reached when it fails. */
async function post(target, options) {
  try {
    return await fetch(target, { method: "POST", ...options });
  } catch (error) {
    throw new Unreachable(`cannot reach ${api}: ${error.cause?.message ?? error.message}`);
  }
}

/** Calls one unary RPC: POST /<package>.<Service>/<Method> with the request as JSON. */
async function call(service, method, request) {
  const reply = await post(url(service, method), {
    headers: {
      Authorization: `Bearer ${token}`,
      "Content-Type": "application/json",
      "Connect-Timeout-Ms": "10000",
    },
    body: JSON.stringify(request),
  });
  const body = await reply.json();
  if (!reply.ok) throw new ApiError(reply.status, body);
  return body;
}

/** One Connect streaming envelope: a flags byte, a 4-byte big-endian length, the JSON. */
function envelope(message) {
  const data = new TextEncoder().encode(JSON.stringify(message));
  const framed = new Uint8Array(5 + data.length);
  new DataView(framed.buffer).setUint32(1, data.length);
  framed.set(data, 5);
  return framed;
}

/** The messages of a Connect stream as they arrive; throws the error it may end with. */
async function* messages(body) {
  let buffer = new Uint8Array(0);
  for await (const chunk of body) {
    buffer = Buffer.concat([buffer, chunk]);
    while (buffer.length >= 5) {
      const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.length);
      const [flags, length] = [view.getUint8(0), view.getUint32(1)];
      if (buffer.length < 5 + length) break;
      const message = JSON.parse(new TextDecoder().decode(buffer.subarray(5, 5 + length)));
      buffer = buffer.subarray(5 + length);
      if (flags & 2) {
        // The end of the stream: {} or {"error": {...}}.
        if (message.error) throw new ApiError(200, message.error);
        return;
      }
      yield message;
    }
  }
}

/** Opens WatchInbox: each item added to the student's inbox from now on, for WATCH_MS. */
function watchInbox(signal) {
  return post(url(NOTIFY, "WatchInbox"), {
    headers: {
      Authorization: `Bearer ${token}`,
      "Content-Type": "application/connect+json",
      "Connect-Protocol-Version": "1",
      "Connect-Timeout-Ms": String(WATCH_MS),
    },
    body: envelope({ studentId: student }),
    signal,
  });
}

async function listActivities() {
  const page = await call(CATALOGUE, "ListActivities", {
    filter: { countryCodes: ["es"] },
    pageSize: 5,
  });
  console.log("Activities in Spain:");
  for (const { id, details } of page.activities ?? []) {
    const city = details.location?.city ?? "online";
    console.log(`  ${id}  ${details.title} (${city}, starts ${details.startsAt})`);
  }
}

/** Prints the student's recommendations and returns the first one's activity id. */
async function recommend() {
  const { recommendations = [] } = await call(MATCHING, "Recommend", { studentId: student, k: 3 });
  console.log(`Recommended for ${student}:`);
  recommendations.forEach(({ activity, score = 0, explanation = "" }, rank) => {
    const line = `${activity.id}  ${activity.details.title} (score ${score.toFixed(2)})`;
    console.log(`  ${rank + 1}. ${line}: ${explanation}`);
  });
  return recommendations[0]?.activity.id;
}

async function enrol(activityId) {
  const { enrolment } = await call(CATALOGUE, "EnrolStudent", { activityId, studentId: student });
  console.log(`Enrolled ${student} in ${activityId}: ${enrolment.status}`);
}

const show = (item) => `[${item.kind}] ${item.subject} (activity ${item.activityId})`;

/** The first item about the activity on the stream, or null when the stream ended first. */
async function itemOnStream(watching, activityId) {
  try {
    for await (const { item } of messages((await watching).body)) {
      if (item.activityId === activityId) return item;
    }
  } catch (error) {
    if (error.body?.code !== "deadline_exceeded") throw error;
  }
  return null;
}

async function showFieldError() {
  try {
    await call(CATALOGUE, "ListActivities", { pageSize: 1000 });
    throw new Error("bad input was accepted");
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    console.log(`Bad input (pageSize 1000): HTTP ${error.status} ${error.body.code}`);
    for (const { field, description } of error.fieldViolations) {
      console.log(`  ${field}: ${description}`);
    }
  }
}

try {
  await listActivities();
  // Watch before enrolling: the stream carries only the items that come after it opens.
  const stop = new AbortController();
  const watching = watchInbox(stop.signal);
  const activityId = await recommend();
  if (!activityId) {
    console.log(`No recommendation for ${student}: nothing to enrol in`);
    process.exit(1);
  }
  await enrol(activityId);
  const item = await itemOnStream(watching, activityId);
  stop.abort();
  if (item) {
    console.log(`New in the inbox of ${student} (WatchInbox): ${show(item)}`);
  } else {
    // The stream is at most once: whoever misses an item lists the inbox to catch up.
    const { items = [] } = await call(NOTIFY, "ListInbox", { studentId: student, pageSize: 5 });
    console.log(`Inbox of ${student} (ListInbox):`);
    for (const listed of items) console.log(`  ${show(listed)}`);
  }
  await showFieldError();
} catch (error) {
  if (error instanceof ApiError) {
    console.error(`HTTP ${error.status} ${error.message}`);
    process.exit(1);
  }
  if (error instanceof Unreachable) {
    console.error(error.message);
    process.exit(3);
  }
  throw error;
}
