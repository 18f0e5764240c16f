// Key Vault in RBAC mode holding every secret the app reads through Key Vault references.
param name string
param location string
param tags object

@secure()
@description('Value the app expects in the x-functions-key header (Api__Key).')
param apiKey string

@description('Secret name for Api__Key.')
param apiKeySecretName string = 'api-key'

@secure()
@description('Master key version 1 for personal data (PersonalData__MasterKeys__1): 32 random bytes, base64.')
param personalDataMasterKey string

@description('Secret name for PersonalData__MasterKeys__1.')
param personalDataMasterKeySecretName string = 'personal-data-master-key-1'

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 7
    // Flex Consumption cannot resolve Key Vault references against a network-restricted
    // vault, so access is guarded by RBAC (Key Vault Secrets User for the app identity only).
    publicNetworkAccess: 'Enabled'
  }
}

resource apiKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: apiKeySecretName
  properties: {
    value: apiKey
    contentType: 'text/plain'
  }
}

// Never deleted with the data it protects by accident: soft delete keeps it 7 days; rotation adds a version-2 secret.
resource personalDataMasterKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: personalDataMasterKeySecretName
  properties: {
    value: personalDataMasterKey
    contentType: 'text/plain'
  }
}

output name string = vault.name
output personalDataMasterKeySecretUri string = personalDataMasterKeySecret.properties.secretUri
output apiKeySecretUri string = apiKeySecret.properties.secretUri
