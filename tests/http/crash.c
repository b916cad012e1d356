/* Crash safety: contacts are recorded over HTTP one after the other, each
 * followed by a read of a household's contacts, while another thread kills
 * the server with SIGKILL at a random moment; the server is restarted on
 * the same database and every contact whose 201 had been received must be
 * there with its journal entry, the access journal's chain must verify
 * (nothing half-written), and the read entries (written by the server's
 * writer in group commits) that survived must be exactly the first reads
 * of the round, in order: a crash loses only the last groups of reads,
 * never a write's entry. Many rounds, on the engine of the environment. */
#define T_NAME "http-crash"
#include "http/h.h"
#include <pthread.h>
#include <stdbool.h>
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

/* The journal entries of action/kind newer than seq after, oldest first (objects in *obj, their number); through
 * the DPO's API, a page of a hundred at a time. */
static int newer(cli *dpo, const char *action, const char *kind, int64_t after, int64_t *obj, int max, int64_t *newest)
{
	int n = 0;
	*newest = after;
	for (int page = 1; page < 1000; page++) {
		char path[160];
		snprintf(path, sizeof path, "/api/v1/journal?action=%s&kind=%s&page=%d", action, kind, page);
		json_t *j = json_loads(get(dpo, path)->body, 0, NULL);
		json_t *arr = json_object_get(j, "entries");
		size_t i, len = json_array_size(arr);
		bool done = len == 0;
		for (i = 0; i < len && !done; i++) {
			json_t *e = json_array_get(arr, i);
			int64_t seq = json_integer_value(json_object_get(e, "seq"));
			if (seq > *newest)
				*newest = seq;
			if (seq <= after)
				done = true;
			else if (n < max)
				obj[n++] = json_integer_value(json_object_get(e, "object_id"));
		}
		json_decref(j);
		if (done)
			break;
	}
	for (int i = 0; i < n / 2; i++) { /* newest first → oldest first */
		int64_t t = obj[i];
		obj[i] = obj[n - 1 - i], obj[n - 1 - i] = t;
	}
	return n;
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
	cli dpo;
	cli_init(&dpo, &s);
	CHECK_INT(login(&dpo, DEMO("dpo"), DEMO_PW), 303);
	json_t *mot = json_loads(get(&k, "/api/v1/motives")->body, 0, NULL);
	json_t *first = json_array_get(json_object_get(mot, "motives"), 0);
	long long motive = (long long)json_integer_value(json_object_get(first, "id"));
	json_decref(mot);
	CHECK(motive > 0, "a contact motive");
	unsigned seed = (unsigned)getpid();
	long acknowledged = 0, kills = 0, lost = 0, reads_kept = 0, reads_lost = 0;
	int64_t read_seq = 0, write_seq = 0, objs[MAX_POSTS * 2];
	newer(&dpo, "read", "household", 0, objs, 0, &read_seq);
	newer(&dpo, "create", "contact", 0, objs, 0, &write_seq);
	for (int round = 0; round < ROUNDS; round++) {
		T_GROUP("a round: writes, SIGKILL, restart, every acknowledged write is there");
		static char markers[MAX_POSTS][48];
		static int64_t read_order[MAX_POSTS];
		int acked = 0, reads = 0;
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
			/* A read, journaled by the writer's group commits: households 1, 8, 15… in turn. */
			char path[64];
			read_order[reads++] = (i * 7 % 40) + 1; /* issued: an answer lost to the kill may still be journaled */
			snprintf(path, sizeof path, "/api/v1/households/%d/contacts", (int)(i * 7 % 40) + 1);
			if (get(&k, path)->status <= 0)
				break;
		}
		pthread_join(t, NULL);
		int st = 0;
		waitpid(s.pid, &st, 0);
		kills += WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL;
		CHECK(srv_start_on(&s, fresh_url), "restart after SIGKILL");
		/* Every acknowledged write has its entry; the reads kept are the first ones of the round, in order. */
		int w = newer(&dpo, "create", "contact", write_seq, objs, MAX_POSTS * 2, &write_seq);
		CHECK(w >= acked, "each acknowledged contact's journal entry is there (%d entries, %d acknowledged)", w, acked);
		int kept = newer(&dpo, "read", "household", read_seq, objs, MAX_POSTS * 2, &read_seq);
		bool prefix = kept <= reads;
		for (int i = 0; prefix && i < kept; i++)
			prefix = objs[i] == read_order[i];
		CHECK(prefix, "the read entries kept are the round's first %d reads of %d issued, in order", kept, reads);
		reads_kept += kept, reads_lost += reads - kept;
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
		newer(&dpo, "read", "household", read_seq, objs, 0, &read_seq); /* past the check's own read */
	}
	T_GROUP("the journal's chain after the kills");
	CHECK_INT(srv_stop(&s), 0);
	const char *verify[] = {bin_path(), "journal", "verify", "--db", fresh_url, NULL};
	CHECK_INT(run_cmd(verify, 1), 0);
	printf("crash: %ld kills, %ld acknowledged writes, %ld lost; %ld reads journaled, %ld read entries lost (the last groups)\n", kills,
	       acknowledged, lost, reads_kept, reads_lost);
	CHECK(kills == ROUNDS, "every round ended with a SIGKILL (%ld)", kills);
	CHECK(acknowledged > ROUNDS, "writes were acknowledged before the kills (%ld)", acknowledged);
	cli_free(&k), cli_free(&dpo);
	curl_global_cleanup();
	return T_DONE();
}
