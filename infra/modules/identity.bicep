// User-assigned identity the Function App uses for everything: host storage, the deployment
// package, Key Vault references, Application Insights ingestion and PostgreSQL (Entra).
@description('Name of the user-assigned managed identity.')
param name string

param location string
param tags object

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output name string = identity.name
output principalId string = identity.properties.principalId
output clientId string = identity.properties.clientId
