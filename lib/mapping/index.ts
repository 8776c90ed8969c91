export { IdentityTopicMapper, PrefixTopicMapper, TopicMapper } from './topic-mapper.js';
