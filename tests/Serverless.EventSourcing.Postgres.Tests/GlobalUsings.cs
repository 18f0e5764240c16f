global using Serverless.EventSourcing.Events;
global using Serverless.EventSourcing.Store;
global using Serverless.EventSourcing.Streams;
global using Xunit;
global using Serverless.EventSourcing.TestKit.Servers;
