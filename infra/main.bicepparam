// Parameters for `az deployment group create --parameters infra/main.bicepparam`.
// Values come from environment variables so no secret is committed.
using './main.bicep'

param environmentName = readEnvironmentVariable('AZURE_ENV_NAME', 'dev')

// Required: at least 32 characters, e.g. `export API_KEY=$(openssl rand -hex 32)`.
param apiKey = readEnvironmentVariable('API_KEY')

// Required: the personal-data master key, e.g. `export PERSONAL_DATA_MASTER_KEY=$(openssl rand -base64 32)`.
// Keep it: without it the personal fields of every stored event are unreadable (that is what erasure relies on).
param personalDataMasterKey = readEnvironmentVariable('PERSONAL_DATA_MASTER_KEY')

// Optional bearer tokens from Entra ID (README, "Identity and access"), e.g.
// `export AUTH_AUTHORITY=https://login.microsoftonline.com/$(az account show --query tenantId -o tsv)/v2.0`
// `export AUTH_AUDIENCES=api://serverless-es-dev`
param authAuthority = readEnvironmentVariable('AUTH_AUTHORITY', '')
param authAudiences = readEnvironmentVariable('AUTH_AUDIENCES', '')

// Optional browser origins allowed to call the API (README, "HTTP API"), e.g. `export CORS_ALLOWED_ORIGINS=https://app.example.com`
param corsAllowedOrigins = readEnvironmentVariable('CORS_ALLOWED_ORIGINS', '')

// Optional event categories whose untouched streams are archived to Blob Storage (Archive__Categories), e.g.
// `export ARCHIVE_CATEGORIES=order,invoice`. Empty: nothing is archived.
param archiveCategories = readEnvironmentVariable('ARCHIVE_CATEGORIES', '')

// Optional extra PostgreSQL Entra administrator (you), e.g.
// `export POSTGRES_ADMIN_OBJECT_ID=$(az ad signed-in-user show --query id -o tsv)`
// `export POSTGRES_ADMIN_NAME=$(az ad signed-in-user show --query userPrincipalName -o tsv)`
param postgresEntraAdminObjectId = readEnvironmentVariable('POSTGRES_ADMIN_OBJECT_ID', '')
param postgresEntraAdminPrincipalName = readEnvironmentVariable('POSTGRES_ADMIN_NAME', '')
