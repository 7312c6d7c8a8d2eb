// Lists activities and enrols the student through the HTTP edge (Connect JSON over HTTP).
// The Authorization header makes each call a non-simple cross-origin request: the browser
// first sends a CORS preflight, which the edge answers only for the origins it allows.

const form = document.getElementById("connect");
const list = document.getElementById("activities");
const status = document.getElementById("status");
const error = document.getElementById("error");

class ApiError extends Error {
  constructor(status, body) {
    super(`HTTP ${status} ${body.code}: ${body.message}`);
  }
}

async function call(path, request) {
  const api = form.api.value.replace(/\/$/, "");
  let reply;
  try {
    reply = await fetch(`${api}/${path}`, {
      method: "POST",
      headers: {
        Authorization: `Bearer ${form.token.value}`,
        "Content-Type": "application/json",
      },
      body: JSON.stringify(request),
    });
  } catch (cause) {
    // The network failed, or CORS refused this origin: the page may not know which.
    throw new Error(`Cannot call ${api} from ${location.origin}: ${cause.message}`);
  }
  const body = await reply.json();
  if (!reply.ok) throw new ApiError(reply.status, body);
  return body;
}

async function enrol(activity) {
  const { enrolment } = await call("socialerasmus.catalogue.v1.CatalogueService/EnrolStudent", {
    activityId: activity.id,
    studentId: form.student.value,
  });
  status.textContent = `Enrolled ${enrolment.studentId} in ${activity.details.title}: ${enrolment.status}`;
}

function show(activity) {
  const item = document.createElement("li");
  item.dataset.activityId = activity.id;
  const city = activity.details.location?.city ?? "online";
  const when = new Date(activity.details.startsAt).toLocaleString();
  item.textContent = `${activity.details.title} (${city}, ${when}) `;
  const button = document.createElement("button");
  button.type = "button";
  button.textContent = "Enrol";
  button.addEventListener("click", () => attempt(() => enrol(activity)));
  item.append(button);
  return item;
}

async function listActivities() {
  const page = await call("socialerasmus.catalogue.v1.CatalogueService/ListActivities", {
    pageSize: 20,
  });
  const activities = page.activities ?? [];
  list.replaceChildren(...activities.map(show));
  status.textContent = `${activities.length} activities`;
}

async function attempt(action) {
  error.textContent = "";
  try {
    await action();
  } catch (failure) {
    error.textContent = failure.message;
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  attempt(listActivities);
});
