/* Interleaved launch timer for the sandbox benchmark.
 *
 * Usage: timer [-n ROUNDS] [-w WARMUP] [-j JOBS] [-b BATCH] [-u USER]
 *              [-r RAWFILE] LABEL:ARGFILE[:MNTNS]...
 *
 * Each ARGFILE holds one command, one argument per line.  A round runs every
 * command once, in the order given on even rounds and in reverse order on odd
 * rounds (A,B,C / C,B,A / A,B,C ...), so that no command always follows the
 * same one.  One sample is the wall time (CLOCK_MONOTONIC) from just before
 * the first fork to just after the last waitpid of a batch of BATCH launches
 * of that command with at most JOBS running at once; the default 1/1 times a
 * single launch.
 *
 * With -u (timer started as root) every child drops to USER, its primary
 * group and supplementary groups before exec, as setpriv --init-groups does.
 * With :MNTNS a child first joins that mount namespace (a /proc/PID/ns/mnt
 * path), which lets commands in differently prepared mount namespaces be
 * interleaved in one run.  Children run with / as working directory, stdin
 * and stdout on /dev/null; stderr is kept for one unrecorded check launch per
 * command and on /dev/null afterwards.
 *
 * Output, times in microseconds:
 *   time LABEL SAMPLES FAILED MEDIAN MIN MAX
 *   ratio LABEL_A LABEL_B PAIRS MEDIAN MIN MAX
 * A ratio line is, over the rounds, the median (and extremes) of
 * time(A)/time(B) within the same round: a paired ratio.  It is printed for
 * every pair of commands, A before B in argument order.  A command whose
 * check launch fails is reported with SAMPLES 0 and not timed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct command {
	const char *label;
	char **argv;
	int nsfd;         /* mount namespace to join, or -1 */
	int usable;       /* check launch succeeded */
	long failed;      /* failed launches while timing */
	double *samples;  /* microseconds, one per round */
};

static struct {
	int drop;
	uid_t uid;
	gid_t gid;
	gid_t *groups;
	int ngroups;
} cred;

static void die(const char *what)
{
	fprintf(stderr, "timer: %s: %s\n", what, strerror(errno));
	exit(2);
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		die("malloc");
	return p;
}

/* Reads ARGFILE into a NULL-terminated argv, one argument per line. */
static char **read_argv(const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0, n = 0, alloc = 16;
	ssize_t len;
	char **argv;

	if (!f)
		die(path);
	argv = xmalloc(alloc * sizeof *argv);
	while ((len = getline(&line, &cap, f)) >= 0) {
		if (len > 0 && line[len - 1] == '\n')
			line[len - 1] = '\0';
		if (n + 2 > alloc) {
			alloc *= 2;
			argv = realloc(argv, alloc * sizeof *argv);
			if (!argv)
				die("realloc");
		}
		argv[n] = strdup(line);
		if (!argv[n])
			die("strdup");
		n++;
	}
	free(line);
	fclose(f);
	if (n == 0) {
		fprintf(stderr, "timer: %s: empty command\n", path);
		exit(2);
	}
	argv[n] = NULL;
	return argv;
}

static void lookup_user(const char *name)
{
	struct passwd *pw = getpwnam(name);
	int n = 64;

	if (!pw) {
		fprintf(stderr, "timer: unknown user %s\n", name);
		exit(2);
	}
	cred.uid = pw->pw_uid;
	cred.gid = pw->pw_gid;
	for (;;) {
		int want = n;
		cred.groups = xmalloc(want * sizeof *cred.groups);
		if (getgrouplist(name, pw->pw_gid, cred.groups, &want) >= 0) {
			cred.ngroups = want;
			break;
		}
		free(cred.groups);
		n = want > n ? want : n * 2;
	}
	cred.drop = 1;
}

/* Forks and execs one launch; returns the child pid. */
static pid_t launch(const struct command *c, int quiet_stderr)
{
	pid_t pid = fork();

	if (pid < 0)
		die("fork");
	if (pid > 0)
		return pid;
	if (c->nsfd >= 0 && setns(c->nsfd, CLONE_NEWNS) < 0)
		_exit(126);
	if (chdir("/") < 0)
		_exit(126);
	if (cred.drop) {
		if (setgroups(cred.ngroups, cred.groups) < 0 ||
		    setresgid(cred.gid, cred.gid, cred.gid) < 0 ||
		    setresuid(cred.uid, cred.uid, cred.uid) < 0)
			_exit(126);
	}
	int null = open("/dev/null", O_RDWR);
	if (null < 0)
		_exit(126);
	dup2(null, 0);
	dup2(null, 1);
	if (quiet_stderr)
		dup2(null, 2);
	if (null > 2)
		close(null);
	execv(c->argv[0], c->argv);
	_exit(127);
}

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* Runs BATCH launches of C with at most JOBS at once; returns the wall time
 * in microseconds and adds failed launches to *failed. */
static double run_batch(const struct command *c, int jobs, int batch,
			int quiet_stderr, long *failed)
{
	int started = 0, running = 0, status;
	double t0 = now_us();

	while (started < batch || running > 0) {
		while (started < batch && running < jobs) {
			launch(c, quiet_stderr);
			started++;
			running++;
		}
		if (wait(&status) < 0)
			die("wait");
		running--;
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			(*failed)++;
	}
	return now_us() - t0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Sorts V in place; stores median, min and max. */
static void stats(double *v, int n, double *med, double *min, double *max)
{
	qsort(v, n, sizeof *v, cmp_double);
	*min = v[0];
	*max = v[n - 1];
	*med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void usage(void)
{
	fprintf(stderr, "usage: timer [-n ROUNDS] [-w WARMUP] [-j JOBS] "
		"[-b BATCH] [-u USER] [-r RAWFILE] LABEL:ARGFILE[:MNTNS]...\n");
	exit(2);
}

int main(int argc, char **argv)
{
	int rounds = 100, warmup = 5, jobs = 1, batch = 1, opt, i, r, k;
	const char *rawpath = NULL;
	FILE *raw = NULL;
	struct command *cmds;

	while ((opt = getopt(argc, argv, "+n:w:j:b:u:r:")) != -1) {
		switch (opt) {
		case 'n': rounds = atoi(optarg); break;
		case 'w': warmup = atoi(optarg); break;
		case 'j': jobs = atoi(optarg); break;
		case 'b': batch = atoi(optarg); break;
		case 'u': lookup_user(optarg); break;
		case 'r': rawpath = optarg; break;
		default: usage();
		}
	}
	k = argc - optind;
	if (k < 1 || rounds < 1 || warmup < 0 || jobs < 1 || batch < 1)
		usage();
	if (rawpath && !(raw = fopen(rawpath, "a")))
		die(rawpath);

	cmds = xmalloc(k * sizeof *cmds);
	for (i = 0; i < k; i++) {
		char *spec = strdup(argv[optind + i]);
		char *file = spec ? strchr(spec, ':') : NULL;
		char *ns;
		if (!file)
			usage();
		*file++ = '\0';
		ns = strchr(file, ':');
		if (ns)
			*ns++ = '\0';
		cmds[i].label = spec;
		cmds[i].argv = read_argv(file);
		cmds[i].nsfd = -1;
		if (ns && (cmds[i].nsfd = open(ns, O_RDONLY | O_CLOEXEC)) < 0)
			die(ns);
		cmds[i].failed = 0;
		cmds[i].samples = xmalloc(rounds * sizeof(double));
	}
	if (chdir("/") < 0)
		die("chdir /");
	fflush(stdout);

	/* Check launch: stderr visible, result decides whether to time it. */
	for (i = 0; i < k; i++) {
		long failed = 0;
		run_batch(&cmds[i], 1, 1, 0, &failed);
		cmds[i].usable = failed == 0;
		if (!cmds[i].usable)
			fprintf(stderr, "timer: %s: check launch failed, "
				"not timed\n", cmds[i].label);
	}

	for (r = -warmup; r < rounds; r++) {
		for (int j = 0; j < k; j++) {
			int idx = (r & 1) ? k - 1 - j : j;
			struct command *c = &cmds[idx];
			long failed = 0;
			double t;
			if (!c->usable)
				continue;
			t = run_batch(c, jobs, batch, 1, &failed);
			if (r < 0)
				continue;
			c->samples[r] = t;
			c->failed += failed;
			if (raw)
				fprintf(raw, "%d\t%s\t%.1f\t%ld\n", r, c->label,
					t, failed);
		}
	}
	if (raw)
		fclose(raw);

	/* Paired ratios first: stats() sorts the samples in place. */
	double *ratio = xmalloc(rounds * sizeof(double));
	for (i = 0; i < k; i++) {
		for (int j = i + 1; j < k; j++) {
			double med, min, max;
			if (!cmds[i].usable || !cmds[j].usable)
				continue;
			for (r = 0; r < rounds; r++)
				ratio[r] = cmds[i].samples[r] / cmds[j].samples[r];
			stats(ratio, rounds, &med, &min, &max);
			printf("ratio %s %s %d %.4f %.4f %.4f\n", cmds[i].label,
			       cmds[j].label, rounds, med, min, max);
		}
	}
	for (i = 0; i < k; i++) {
		double med = 0, min = 0, max = 0;
		int n = cmds[i].usable ? rounds : 0;
		if (n)
			stats(cmds[i].samples, n, &med, &min, &max);
		printf("time %s %d %ld %.1f %.1f %.1f\n", cmds[i].label, n,
		       cmds[i].failed, med, min, max);
	}
	return 0;
}
