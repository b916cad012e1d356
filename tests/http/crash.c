/* Crash safety: contacts are recorded over HTTP one after the other while
 * another thread kills the server with SIGKILL at a random moment; the
 * server is restarted on the same database and every contact whose 201 had
 * been received must be there, and the access journal's chain must verify
 * (nothing half-written). Many rounds, on the engine of the environment. */
#define T_NAME "http-crash"
#include "http/h.h"
#include <pthread.h>
#include <jansson.h>

#define ROUNDS 20
#define MAX_POSTS 150

typedef struct killer {
	pid_t pid;
	int ms;
} killer;

static void *kill_later(void *p)
{
	killer *k = p;
	struct timespec ts = {k->ms / 1000, (long)(k->ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
	kill(k->pid, SIGKILL);
	return NULL;
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_ALL);
	srv s;
	if (!srv_start(&s, "crash")) {
		CHECK(0, "server did not start");
		return T_DONE();
	}
	cli k;
	cli_init(&k, &s);
	CHECK_INT(login(&k, DEMO("accueil"), DEMO_PW), 303);
	json_t *mot = json_loads(get(&k, "/api/v1/motives")->body, 0, NULL);
	json_t *first = json_array_get(json_object_get(mot, "motives"), 0);
	long long motive = (long long)json_integer_value(json_object_get(first, "id"));
	json_decref(mot);
	CHECK(motive > 0, "a contact motive");
	unsigned seed = (unsigned)getpid();
	long acknowledged = 0, kills = 0, lost = 0;
	for (int round = 0; round < ROUNDS; round++) {
		T_GROUP("a round: writes, SIGKILL, restart, every acknowledged write is there");
		static char markers[MAX_POSTS][48];
		int acked = 0;
		killer kl = {s.pid, 20 + (int)(rand_r(&seed) % 180)};
		pthread_t t;
		pthread_create(&t, NULL, kill_later, &kl);
		for (int i = 0; i < MAX_POSTS; i++) {
			char body[256], marker[48];
			snprintf(marker, sizeof marker, "crash-%d-%d-%u", round, i, seed);
			snprintf(body, sizeof body, "{\"household_id\": %d, \"channel\": \"telephone\", \"motive_id\": %lld, \"answer\": \"%s\"}",
			         round + 1, motive, marker);
			resp *r = post_json(&k, "/api/v1/contacts", body);
			if (r->status == 201)
				snprintf(markers[acked++], sizeof markers[0], "%s", marker);
			else if (r->status <= 0)
				break; /* the server is gone */
		}
		pthread_join(t, NULL);
		int st = 0;
		waitpid(s.pid, &st, 0);
		kills += WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL;
		CHECK(srv_start_on(&s, fresh_url), "restart after SIGKILL");
		char path[64];
		snprintf(path, sizeof path, "/api/v1/households/%d/contacts", round + 1);
		resp *r = get(&k, path);
		CHECK_INT(r->status, 200);
		for (int i = 0; i < acked; i++)
			if (!strstr(r->body, markers[i])) {
				lost++;
				CHECK(0, "acknowledged contact %s lost", markers[i]);
			}
		acknowledged += acked;
	}
	T_GROUP("the journal's chain after the kills");
	CHECK_INT(srv_stop(&s), 0);
	const char *verify[] = {bin_path(), "journal", "verify", "--db", fresh_url, NULL};
	CHECK_INT(run_cmd(verify, 1), 0);
	printf("crash: %ld kills, %ld acknowledged writes, %ld lost\n", kills, acknowledged, lost);
	CHECK(kills == ROUNDS, "every round ended with a SIGKILL (%ld)", kills);
	CHECK(acknowledged > ROUNDS, "writes were acknowledged before the kills (%ld)", acknowledged);
	cli_free(&k);
	curl_global_cleanup();
	return T_DONE();
}
