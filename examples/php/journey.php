<?php
// A student's journey through the SocialErasmus Match HTTP edge, from plain PHP: list
// activities, ask for recommendations, enrol in the first one, read the inbox, and see the
// field error that bad input gets. Needs only the curl and json extensions.
//
//   php journey.php [API_URL [TOKEN [STUDENT_ID]]]
//
// or SE_API_URL, SE_TOKEN and SE_STUDENT_ID in the environment. API_URL defaults to
// http://127.0.0.1:8080 (the edge `make run` starts), STUDENT_ID to demo-student; TOKEN is a
// bearer token of that student, or of a platform (which may act for any student).

declare(strict_types=1);

const CATALOGUE = 'socialerasmus.catalogue.v1.CatalogueService';
const MATCHING = 'socialerasmus.matching.v1.MatchingService';
const NOTIFY = 'socialerasmus.notify.v1.NotifyService';
const INBOX_WAIT_SECONDS = 20;

/** A Connect error: the HTTP status and the JSON body (code, message, details). */
final class ApiError extends RuntimeException
{
    public function __construct(public readonly int $status, public readonly array $body)
    {
        parent::__construct(($body['code'] ?? 'unknown') . ': ' . ($body['message'] ?? ''));
    }

    /** Each bad field's description, by field name, from the google.rpc.BadRequest detail. */
    public function fieldViolations(): array
    {
        $violations = [];
        foreach ($this->body['details'] ?? [] as $detail) {
            if (($detail['type'] ?? '') !== 'google.rpc.BadRequest') {
                continue;
            }
            foreach ($detail['debug']['fieldViolations'] ?? [] as $violation) {
                $violations[$violation['field']] = $violation['description'];
            }
        }
        return $violations;
    }
}

final class Api
{
    public function __construct(private string $url, private string $token)
    {
    }

    /** Calls one RPC: POST /<package>.<Service>/<Method> with the request as JSON. */
    public function call(string $service, string $method, array $request): array
    {
        $ch = curl_init(rtrim($this->url, '/') . "/$service/$method");
        curl_setopt_array($ch, [
            CURLOPT_POST => true,
            CURLOPT_RETURNTRANSFER => true,
            CURLOPT_TIMEOUT => 30,
            CURLOPT_HTTPHEADER => [
                "Authorization: Bearer {$this->token}",
                'Content-Type: application/json',
                'Connect-Timeout-Ms: 10000',
            ],
            // An empty PHP array encodes as [], and the edge expects an object.
            CURLOPT_POSTFIELDS => json_encode($request ?: new stdClass()),
        ]);
        $reply = curl_exec($ch);
        if ($reply === false) {
            throw new RuntimeException("cannot reach {$this->url}: " . curl_error($ch));
        }
        $status = curl_getinfo($ch, CURLINFO_RESPONSE_CODE);
        curl_close($ch);
        $body = json_decode($reply, true) ?? [];
        if ($status !== 200) {
            throw new ApiError($status, $body);
        }
        return $body;
    }
}

function argument(array $argv, int $position, string $variable, ?string $default): string
{
    $value = $argv[$position] ?? (getenv($variable) ?: $default);
    if ($value === null || $value === '') {
        fwrite(STDERR, "usage: php journey.php [API_URL [TOKEN [STUDENT_ID]]] (or $variable)\n");
        exit(2);
    }
    return $value;
}

function listActivities(Api $api): void
{
    $page = $api->call(CATALOGUE, 'ListActivities', [
        'filter' => ['countryCodes' => ['es']],
        'pageSize' => 5,
    ]);
    echo "Activities in Spain:\n";
    foreach ($page['activities'] ?? [] as $activity) {
        $details = $activity['details'];
        $city = $details['location']['city'] ?? 'online';
        echo "  {$activity['id']}  {$details['title']} ({$city}, starts {$details['startsAt']})\n";
    }
}

/** Prints the student's recommendations and returns the first one's activity id. */
function recommend(Api $api, string $student): ?string
{
    $reply = $api->call(MATCHING, 'Recommend', ['studentId' => $student, 'k' => 3]);
    $recommendations = $reply['recommendations'] ?? [];
    echo "Recommended for $student:\n";
    foreach ($recommendations as $rank => $recommendation) {
        $activity = $recommendation['activity'];
        printf(
            "  %d. %s  %s (score %.2f): %s\n",
            $rank + 1,
            $activity['id'],
            $activity['details']['title'],
            $recommendation['score'] ?? 0,
            $recommendation['explanation'] ?? '',
        );
    }
    return $recommendations[0]['activity']['id'] ?? null;
}

function enrol(Api $api, string $student, string $activityId): void
{
    $reply = $api->call(CATALOGUE, 'EnrolStudent', [
        'activityId' => $activityId,
        'studentId' => $student,
    ]);
    $enrolment = $reply['enrolment'];
    echo "Enrolled $student in $activityId: {$enrolment['status']}\n";
}

/** Waits for the inbox item about the activity (notify writes it once it hears of the
 * enrolment), then prints the newest items. */
function readInbox(Api $api, string $student, string $activityId): void
{
    $deadline = microtime(true) + INBOX_WAIT_SECONDS;
    do {
        $items = $api->call(NOTIFY, 'ListInbox', ['studentId' => $student, 'pageSize' => 5])['items'] ?? [];
        $about = array_filter($items, fn (array $item) => ($item['activityId'] ?? '') === $activityId);
        if ($about) {
            break;
        }
        usleep(200_000);
    } while (microtime(true) < $deadline);
    if (!$about) {
        echo "Inbox of $student: nothing about $activityId after " . INBOX_WAIT_SECONDS . " s\n";
        exit(1);
    }
    echo "Inbox of $student:\n";
    foreach ($items as $item) {
        echo "  [{$item['kind']}] {$item['subject']} (activity {$item['activityId']})\n";
    }
}

function showFieldError(Api $api): void
{
    try {
        $api->call(CATALOGUE, 'ListActivities', ['pageSize' => 1000]);
        echo "Bad input was accepted\n";
        exit(1);
    } catch (ApiError $error) {
        echo "Bad input (pageSize 1000): HTTP {$error->status} {$error->body['code']}\n";
        foreach ($error->fieldViolations() as $field => $description) {
            echo "  $field: $description\n";
        }
    }
}

$api = new Api(
    argument($argv, 1, 'SE_API_URL', 'http://127.0.0.1:8080'),
    argument($argv, 2, 'SE_TOKEN', null),
);
$student = argument($argv, 3, 'SE_STUDENT_ID', 'demo-student');

try {
    listActivities($api);
    $activityId = recommend($api, $student);
    if ($activityId === null) {
        echo "No recommendation for $student: nothing to enrol in\n";
        exit(1);
    }
    enrol($api, $student, $activityId);
    readInbox($api, $student, $activityId);
    showFieldError($api);
} catch (ApiError $error) {
    fwrite(STDERR, "HTTP {$error->status} {$error->getMessage()}\n");
    exit(1);
} catch (RuntimeException $unreachable) {
    fwrite(STDERR, $unreachable->getMessage() . "\n");
    exit(3);
}
