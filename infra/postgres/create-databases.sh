#!/bin/sh
# Runs once, when the PostgreSQL volume is first initialised. POSTGRES_DB already created the
# `tastemaker` (publications) database; MLflow and Prefect each get their own next to it.
set -eu
for database in mlflow prefect; do
	psql --set ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
		--command "CREATE DATABASE $database OWNER \"$POSTGRES_USER\""
done
