using MeshScaler.Hosting;

return await Cli.RunAsync(args);
