// Azure Database for PostgreSQL Flexible Server with Microsoft Entra authentication only.
// The app's user-assigned identity is an Entra administrator: it runs the schema migrations at
// start-up, and on a database it owns alone that is the role it needs. Password auth is off,
// so there is no admin password anywhere.
param name string
param location string
param tags object

@allowed([
  '15'
  '16'
])
param postgresVersion string = '16'

@description('Compute SKU, e.g. Standard_B1ms (Burstable) or Standard_D2ds_v5 (GeneralPurpose).')
param skuName string = 'Standard_B1ms'

@allowed([
  'Burstable'
  'GeneralPurpose'
  'MemoryOptimized'
])
param skuTier string = 'Burstable'

param storageSizeGB int = 32

param databaseName string

@description('Turn on the built-in PgBouncer (port 6432). Not available on the Burstable tier.')
param enablePgBouncer bool = false

@description('PgBouncer max_prepared_statements; above the app\'s Postgres__MaxAutoPrepare, so auto-prepared statements stay cached.')
@minValue(1)
@maxValue(5000)
param pgBouncerMaxPreparedStatements int = 200

@description('Firewall rule 0.0.0.0: allow connections from Azure services (the Flex Consumption app has no fixed outbound IP without VNet integration).')
param allowAzureServices bool = true

@description('Extra client IPv4 addresses allowed through the firewall (operators, CI).')
param clientIpAddresses array = []

@description('Name of the app identity; it is also the PostgreSQL role name the app logs in with.')
param appIdentityName string

@description('Object (principal) id of the app identity.')
param appIdentityPrincipalId string

@description('Object id of an extra Entra administrator (user or group). Empty: none.')
param entraAdminObjectId string = ''

@description('Display name (user principal name or group name) of the extra Entra administrator.')
param entraAdminPrincipalName string = ''

@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
param entraAdminPrincipalType string = 'User'

resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: skuName
    tier: skuTier
  }
  properties: {
    version: postgresVersion
    storage: {
      storageSizeGB: storageSizeGB
      autoGrow: 'Enabled'
    }
    backup: {
      backupRetentionDays: 7
      geoRedundantBackup: 'Disabled'
    }
    highAvailability: {
      mode: 'Disabled'
    }
    authConfig: {
      activeDirectoryAuth: 'Enabled'
      passwordAuth: 'Disabled'
      tenantId: tenant().tenantId
    }
  }
}

// The server accepts one management operation at a time, so the children below are chained
// with dependsOn instead of being created in parallel.
resource appAdmin 'Microsoft.DBforPostgreSQL/flexibleServers/administrators@2024-08-01' = {
  parent: server
  name: appIdentityPrincipalId
  properties: {
    principalName: appIdentityName
    principalType: 'ServicePrincipal'
    tenantId: tenant().tenantId
  }
}

resource extraAdmin 'Microsoft.DBforPostgreSQL/flexibleServers/administrators@2024-08-01' = if (!empty(entraAdminObjectId)) {
  parent: server
  name: !empty(entraAdminObjectId) ? entraAdminObjectId : 'unused'
  properties: {
    principalName: entraAdminPrincipalName
    principalType: entraAdminPrincipalType
    tenantId: tenant().tenantId
  }
  dependsOn: [
    appAdmin
  ]
}

resource database 'Microsoft.DBforPostgreSQL/flexibleServers/databases@2024-08-01' = {
  parent: server
  name: databaseName
  properties: {
    charset: 'UTF8'
    collation: 'en_US.utf8'
  }
  dependsOn: [
    extraAdmin
  ]
}

resource allowAzure 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2024-08-01' = if (allowAzureServices) {
  parent: server
  name: 'AllowAllAzureServicesAndResourcesWithinAzureIps'
  properties: {
    startIpAddress: '0.0.0.0'
    endIpAddress: '0.0.0.0'
  }
  dependsOn: [
    database
  ]
}

@batchSize(1)
resource clientRules 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2024-08-01' = [for (ip, i) in clientIpAddresses: {
  parent: server
  name: 'client-${i}'
  properties: {
    startIpAddress: ip
    endIpAddress: ip
  }
  dependsOn: [
    allowAzure
  ]
}]

resource pgBouncer 'Microsoft.DBforPostgreSQL/flexibleServers/configurations@2024-08-01' = if (enablePgBouncer) {
  parent: server
  name: 'pgbouncer.enabled'
  properties: {
    value: 'true'
    source: 'user-override'
  }
  dependsOn: [
    clientRules
  ]
}

// Npgsql auto-prepare sends protocol-level named prepared statements. In transaction mode PgBouncer
// tracks them across server connections only when max_prepared_statements > 0 (upstream since 1.21.0);
// Azure's default is 0. Azure documents the parameter (integer, 0-5000, dynamic, visible once
// pgbouncer.enabled is true) and runs PgBouncer 1.25.1:
// https://learn.microsoft.com/azure/postgresql/connectivity/concepts-pgbouncer
// https://learn.microsoft.com/azure/postgresql/flexible-server/server-parameters-table-pgbouncer
resource pgBouncerPreparedStatements 'Microsoft.DBforPostgreSQL/flexibleServers/configurations@2024-08-01' = if (enablePgBouncer) {
  parent: server
  name: 'pgbouncer.max_prepared_statements'
  properties: {
    value: string(pgBouncerMaxPreparedStatements)
    source: 'user-override'
  }
  dependsOn: [
    pgBouncer
  ]
}

output name string = server.name
output fullyQualifiedDomainName string = server.properties.fullyQualifiedDomainName
output port int = enablePgBouncer ? 6432 : 5432
output databaseName string = database.name
