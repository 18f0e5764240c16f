// Host storage: Durable Functions task hub (queues, tables, blobs), host locks and the Flex
// Consumption deployment package container, plus the event archive container (streams moved out of
// PostgreSQL, tiered to Cool then Cold by the lifecycle policy). Shared keys are off: only Entra
// identities get in.
param name string
param location string
param tags object

@description('Blob container the Flex Consumption plan reads the app package from.')
param deploymentContainerName string

@description('Blob container the archive job writes archived stream segments to (Archive__Container).')
param archiveContainerName string

@description('Days after a blob in the archive container was last modified before it moves to the Cool tier.')
@minValue(0)
param archiveCoolAfterDays int

@description('Days after a blob in the archive container was last modified before it moves to the Cold tier; more than archiveCoolAfterDays.')
@minValue(1)
param archiveColdAfterDays int

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: deploymentContainerName
  properties: {
    publicAccess: 'None'
  }
}

// The archive is the only copy of the events it holds: private, and the lifecycle policy only tiers it, never deletes.
resource archiveContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: archiveContainerName
  properties: {
    publicAccess: 'None'
  }
}

// One policy per account (its name is always 'default'); its one rule touches the archive container's block blobs only.
// tierToCold needs API version 2023-01-01 or later.
resource lifecyclePolicy 'Microsoft.Storage/storageAccounts/managementPolicies@2023-05-01' = {
  parent: storage
  name: 'default'
  properties: {
    policy: {
      rules: [
        {
          name: 'archive-tiering'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: [
                'blockBlob'
              ]
              prefixMatch: [
                '${archiveContainer.name}/'
              ]
            }
            actions: {
              baseBlob: {
                tierToCool: {
                  daysAfterModificationGreaterThan: archiveCoolAfterDays
                }
                tierToCold: {
                  daysAfterModificationGreaterThan: archiveColdAfterDays
                }
              }
            }
          }
        }
      ]
    }
  }
}

output name string = storage.name
output deploymentContainerUrl string = '${storage.properties.primaryEndpoints.blob}${deploymentContainer.name}'
output blobEndpoint string = storage.properties.primaryEndpoints.blob
output archiveContainerName string = archiveContainer.name
