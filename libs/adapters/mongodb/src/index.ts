// Rating data (B) on MongoDB (FerretDB here) through Mongoose: repositories, schemas, FerretDB's look-up indexes.
export * from './ferretdb-indexes';
export * from './mongo-demo-marks';
export * from './mongo-health';
export * from './mongoose-rating.module';
export * from './rating-features.mongoose-mapper';
export * from './rating-features.mongoose-schema';
export * from './rating.mongoose-schema';
