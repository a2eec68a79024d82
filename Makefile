# The two commands of the README: `make run` and `make test`. Everything else is a helper.
.PHONY: run test bench cluster-test stop venv lint format messages clean

run: venv
	@scripts/run.sh

test: venv
	@scripts/test.sh $(ARGS)

# Not part of `make test`: a million generated businesses, then timings (docs/performance.md).
bench: venv
	@scripts/bench.sh

# Two gunicorn nodes, two workers, a primary and its replica, PgBouncer, Redis and S3 on loopback, then the
# journey across them (tests/cluster/journey.py); everything started is stopped at the end.
cluster-test: venv
	@scripts/cluster.sh

stop:
	@scripts/worker.sh stop
	@scripts/pgbouncer.sh stop
	@scripts/replica.sh stop
	@scripts/pg.sh stop
	@scripts/redis.sh stop

venv:
	@scripts/venv.sh

lint: venv
	.venv/bin/ruff check . && .venv/bin/ruff format --check .

format: venv
	.venv/bin/ruff check --fix . && .venv/bin/ruff format .

messages: venv
	.venv/bin/python manage.py makemessages -l en --ignore=.venv --ignore=var --ignore=static --ignore=tests --no-obsolete --no-location && \
	.venv/bin/python manage.py compilemessages --ignore=.venv

# A cluster of a checkout the postgres user cannot reach lives in /var/tmp, linked from var/ (scripts/lib.sh).
clean: stop
	@find var -maxdepth 3 -type l -lname '/var/tmp/umkm-portal-*' -exec sh -c 'rm -rf "$$(readlink "$$1")"' _ {} \; 2>/dev/null || true
	rm -rf var .venv .pytest_cache
